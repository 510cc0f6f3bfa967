/**
 * Local HTTP servers that record every request: one stands in for the GitHub REST API (issue
 * comments), another for the dorm dashboard.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** One recorded request. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A running recorder. */
export interface Recorder {
  readonly url: string
  readonly requests: RecordedRequest[]
  close(): Promise<void>
}

type Handler = (request: RecordedRequest, response: ServerResponse) => void

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

/**
 * Starts a server on a free port that records requests and answers through `handler`.
 *
 * @example
 * ```ts
 * const dashboard = await startRecorder((req, res) => { res.writeHead(202); res.end('{}') })
 * ```
 */
export async function startRecorder(handler: Handler): Promise<Recorder> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      handler(recorded, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * A stand-in for the GitHub REST API's issue comments: list, create, update.
 *
 * @example
 * ```ts
 * const api = await startFakeGithub()
 * // GITHUB_API_URL=api.url; later: api.requests.filter((r) => r.method === 'POST')
 * ```
 */
export async function startFakeGithub(): Promise<Recorder & { comments: Map<number, string> }> {
  const comments = new Map<number, string>()
  let nextId = 1000
  const recorder = await startRecorder((request, response) => {
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments(\?.*)?$/.exec(request.path)
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(request.path)
    if (list !== null && request.method === 'GET') {
      return json(
        response,
        200,
        [...comments].map(([id, body]) => ({ id, body, user: { login: 'github-actions[bot]' } })),
      )
    }
    if (list !== null && request.method === 'POST') {
      const id = nextId++
      comments.set(id, (JSON.parse(request.body) as { body: string }).body)
      return json(response, 201, { id, body: comments.get(id) })
    }
    if (one !== null && request.method === 'PATCH') {
      const id = Number(one[1])
      if (!comments.has(id)) return json(response, 404, { message: 'Not Found' })
      comments.set(id, (JSON.parse(request.body) as { body: string }).body)
      return json(response, 200, { id, body: comments.get(id) })
    }
    json(response, 404, { message: `no route for ${request.method} ${request.path}` })
  })
  return Object.assign(recorder, { comments })
}
