/**
 * One POST of one batch: the JSON envelope gzipped (node:zlib, on the libuv thread pool),
 * `Authorization: Bearer <token>`, `Content-Encoding: gzip`, the batch id again as
 * `Idempotency-Key`, and a timeout. The answer is sorted into what the exporter does next:
 * accepted (2xx, with the dashboard's `{ accepted, rejected, errors }` when it sent one), retry
 * (429, 408, 5xx, network error, timeout; with Retry-After), too large (413: split the batch) or
 * refused (any other 4xx: the batch is dropped and the reason logged).
 *
 * @example
 * ```ts
 * const outcome = await postBatch({ url, token, body, batchId, timeoutMs: 10_000, fetch })
 * if (outcome.kind === 'retry') scheduleRetry(outcome.retryAfterMs)
 * ```
 */
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js'

const gzipAsync = promisify(gzip)

/** The `fetch` the exporter calls (the global one unless given). */
export type TelemetryFetch = (input: string, init: RequestInit) => Promise<Response>

/** What became of one POST. */
export type PostOutcome =
  | { kind: 'accepted'; status: number; accepted: number | null; rejected: number; firstError: string | null }
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null; reason: string }
  | { kind: 'too_large'; status: 413 }
  | { kind: 'refused'; status: number; reason: string }

/** What {@link postBatch} needs. */
export interface PostBatchInput {
  url: string
  token: string
  /** The envelope as JSON text. */
  body: string
  batchId: string
  timeoutMs: number
  fetch: TelemetryFetch
  /** Aborts the POST early (the deadline of `stop()`). */
  signal?: AbortSignal
}

/**
 * Gzips and posts one batch; never rejects.
 *
 * @example
 * ```ts
 * const outcome = await postBatch({ url, token, body: JSON.stringify(batch), batchId, timeoutMs, fetch })
 * ```
 */
export async function postBatch(input: PostBatchInput): Promise<PostOutcome> {
  let response: Response
  let text = ''
  const request = requestSignal(input.timeoutMs, input.signal)
  try {
    const body = await gzipAsync(Buffer.from(input.body, 'utf8'))
    response = await input.fetch(input.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${input.token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'idempotency-key': input.batchId,
      },
      body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      signal: request.signal,
    })
    text = await response.text()
  } catch (err) {
    return { kind: 'retry', status: null, retryAfterMs: null, reason: networkReason(err, input.timeoutMs) }
  } finally {
    request.release()
  }
  const { status } = response
  if (status >= 200 && status < 300) return { kind: 'accepted', status, ...acceptance(text) }
  if (status === 413) return { kind: 'too_large', status }
  const reason = `HTTP ${status}${detail(text)}`
  if (isRetryableStatus(status)) {
    return { kind: 'retry', status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), reason }
  }
  return { kind: 'refused', status, reason }
}

/**
 * The signal of one POST: aborted after `timeoutMs` or when `outer` aborts; `release()` unlinks it
 * from `outer`. Not `AbortSignal.any`: on Node 20 a signal it makes stays referenced by its sources
 * until they abort (nodejs/node#55351), and `outer` is the exporter's lifetime signal, so one
 * signal per POST piled up for as long as the process ran.
 */
function requestSignal(timeoutMs: number, outer: AbortSignal | undefined): { signal: AbortSignal; release(): void } {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  )
  timer.unref() // like AbortSignal.timeout: a pending POST does not keep the process alive by its timer
  const onAbort = () => controller.abort(outer?.reason)
  if (outer?.aborted) controller.abort(outer.reason)
  else outer?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onAbort)
    },
  }
}

function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
  return `${err instanceof Error ? err.message : String(err)}${cause}`
}

function acceptance(text: string): { accepted: number | null; rejected: number; firstError: string | null } {
  try {
    const body = JSON.parse(text) as { accepted?: unknown; rejected?: unknown; errors?: unknown }
    const accepted = typeof body.accepted === 'number' ? body.accepted : null
    const rejected = typeof body.rejected === 'number' ? body.rejected : 0
    const first = Array.isArray(body.errors) && body.errors.length > 0 ? JSON.stringify(body.errors[0]) : null
    return { accepted, rejected, firstError: first === null ? null : first.slice(0, 300) }
  } catch {
    return { accepted: null, rejected: 0, firstError: null }
  }
}

function detail(text: string): string {
  const trimmed = text.trim()
  return trimmed === '' ? '' : `: ${trimmed.slice(0, 300)}`
}
