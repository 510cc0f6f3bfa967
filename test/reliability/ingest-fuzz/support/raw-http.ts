/**
 * A bare HTTP/1.1 client on a TCP socket, for requests a normal client refuses to send: repeated
 * headers (two `Authorization`, two `Content-Length`), no `Content-Type`, bodies in any bytes, a
 * chunked body without length. One request per connection (`Connection: close`).
 *
 * @example
 * ```ts
 * const answer = await sendRaw('http://127.0.0.1:3000/api/v1/ingest', {
 *   headers: [['authorization', 'Bearer a'], ['authorization', 'Bearer b']],
 *   body: Buffer.from('{}'),
 * })
 * answer.status // 401
 * ```
 */
import { connect } from 'node:net'

/** What to send. */
export interface RawRequest {
  method?: string
  /** In order, repeats allowed; `host` and `connection: close` are added. */
  headers: Array<[string, string]>
  body?: Buffer
  /** Send `Content-Length` for the body (default), or stream it `chunked`, or send none. */
  framing?: 'content-length' | 'chunked' | 'none'
}

/** What came back. */
export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

function decodeChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at)
    if (lineEnd < 0) break
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString(), 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

function parseResponse(raw: Buffer): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n')
  if (headEnd < 0) throw new Error(`no HTTP response head in ${raw.length} bytes: ${raw.toString().slice(0, 200)}`)
  const [statusLine = '', ...lines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const rest = raw.subarray(headEnd + 4)
  const body = headers['transfer-encoding']?.toLowerCase() === 'chunked' ? decodeChunked(rest) : rest
  return { status, headers, body: body.toString('utf8') }
}

/**
 * Sends one request and resolves with the response once the server closes the connection.
 *
 * @example
 * ```ts
 * const { status, body } = await sendRaw(`${url}/api/v1/ingest`, { headers: [], body: Buffer.from('x') })
 * ```
 */
export function sendRaw(url: string, request: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  const target = new URL(url)
  const body = request.body ?? Buffer.alloc(0)
  const framing = request.framing ?? 'content-length'
  const lines = [`${request.method ?? 'POST'} ${target.pathname}${target.search} HTTP/1.1`, `host: ${target.host}`]
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  if (framing === 'content-length') lines.push(`content-length: ${body.length}`)
  if (framing === 'chunked') lines.push('transfer-encoding: chunked')
  lines.push('connection: close', '', '')
  const payload =
    framing === 'chunked'
      ? Buffer.concat([
          Buffer.from(lines.join('\r\n'), 'latin1'),
          ...chunksOf(body, 64 * 1024).flatMap((chunk) => [
            Buffer.from(`${chunk.length.toString(16)}\r\n`),
            chunk,
            Buffer.from('\r\n'),
          ]),
          Buffer.from('0\r\n\r\n'),
        ])
      : Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body])
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname)
    const received: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs)
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    // the server may answer (413) and close before the whole body is written: keep what it said
    socket.on('error', (err) => {
      if (received.length === 0) {
        clearTimeout(timer)
        reject(err)
      }
    })
    socket.on('close', () => {
      clearTimeout(timer)
      if (received.length === 0) return reject(new Error('the server closed the connection without a response'))
      try {
        resolve(parseResponse(Buffer.concat(received)))
      } catch (err) {
        reject(err)
      }
    })
    socket.write(payload)
  })
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size))
  return out
}
