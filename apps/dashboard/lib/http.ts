/**
 * HTTP helpers of the API route handlers: JSON error responses, and request bodies read with the
 * 1 MB cap enforced while the bytes stream in (a larger body is cut off at the cap, never buffered
 * whole), also after gunzip (`Content-Encoding: gzip`), so a small gzip bomb cannot inflate past it.
 *
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const body = await readJsonBody(request)
 *   if (!body.ok) return body.response
 *   return Response.json({ received: body.value }, { status: 202 })
 * }
 * ```
 */
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'

/** The largest body accepted, compressed or not: 1 MB. */
export const MAX_BODY_BYTES = 1024 * 1024

const gunzipAsync = promisify(gunzip)

/** A JSON body, or the error response to send. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response }

/**
 * A JSON error response: `{ error, ...extra }` with `status`.
 *
 * @example
 * ```ts
 * return jsonError(401, 'unknown key')
 * return jsonError(429, 'rate limit exceeded', {}, { 'retry-after': '2' })
 * ```
 */
export function jsonError(
  status: number,
  error: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error, ...extra }, { status, headers: { 'cache-control': 'no-store', ...headers } })
}

function tooLarge(what: string): BodyResult {
  return {
    ok: false,
    response: jsonError(
      413,
      `${what} is over the ${MAX_BODY_BYTES} byte limit: send smaller batches (the exporter's batches stay far below it)`,
      { limit_bytes: MAX_BODY_BYTES },
    ),
  }
}

/**
 * The raw bytes of the body, at most `limit`; `undefined` once the stream goes past it (the rest is
 * not read).
 *
 * @example
 * ```ts
 * const bytes = await readCapped(request.body, MAX_BODY_BYTES)
 * ```
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer | undefined> {
  if (body === null) return Buffer.alloc(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

/**
 * Reads the body as JSON under the 1 MB cap: 413 when it (or its gunzipped form) is larger, 415
 * for an encoding other than gzip or identity, 400 for bad gzip data or malformed JSON (with the
 * parser's message).
 *
 * @example
 * ```ts
 * const body = await readJsonBody(request)
 * if (!body.ok) return body.response
 * ```
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) return tooLarge(`the body (${declared} bytes)`)
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase()
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
    return {
      ok: false,
      response: jsonError(415, `Content-Encoding '${encoding}' is not supported: send gzip or an uncompressed body`),
    }
  }
  const raw = await readCapped(request.body, limit)
  if (raw === undefined) return tooLarge('the body')
  let bytes = raw
  if (encoding === 'gzip') {
    try {
      // maxOutputLength stops inflating at the cap: the bomb is never expanded in memory
      bytes = await gunzipAsync(raw, { maxOutputLength: limit })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge('the gunzipped body')
      return {
        ok: false,
        response: jsonError(400, `the body is not valid gzip data (${(err as Error).message}): compress it with gzip`),
      }
    }
  }
  if (bytes.length === 0) return { ok: false, response: jsonError(400, 'the body is empty: send a JSON object') }
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) }
  } catch (err) {
    return { ok: false, response: jsonError(400, `the body is not valid JSON: ${(err as Error).message}`) }
  }
}
