/**
 * The checks every key-authenticated route handler runs first, in order: the key (401/403), then
 * the key's rate limit (429 with Retry-After), before any byte of the body is read.
 *
 * @example
 * ```ts
 * const gate = await passKeyGate(request, 'ingest')
 * if (!gate.ok) return gate.response
 * gate.auth.environment // the key's environment
 * ```
 */
import { jsonError } from '../http'
import { authenticateKey, type KeyKind } from '../keys'
import { rateLimitFor } from '../rate-limit'

/** A key that passed, or the response to send. */
export type KeyGate =
  | { ok: true; auth: { environmentId: number; environment: string; keyId: number } }
  | { ok: false; response: Response }

/**
 * Authenticates the request's key for `kind` and takes a rate-limit token for it.
 *
 * @example
 * ```ts
 * const gate = await passKeyGate(request, 'ci')
 * ```
 */
export async function passKeyGate(request: Request, kind: KeyKind): Promise<KeyGate> {
  const auth = await authenticateKey(request.headers.get('authorization'), kind)
  if (!auth.ok) {
    const headers: Record<string, string> = auth.status === 401 ? { 'www-authenticate': 'Bearer' } : {}
    return { ok: false, response: jsonError(auth.status, auth.error, {}, headers) }
  }
  const verdict = rateLimitFor(auth.keyId)
  if (!verdict.ok) {
    return {
      ok: false,
      response: jsonError(
        429,
        `rate limit exceeded for this key: retry in ${verdict.retryAfterS} s (DASHBOARD_RATE_LIMIT_PER_S sets the rate)`,
        { retry_after_s: verdict.retryAfterS },
        { 'retry-after': String(verdict.retryAfterS) },
      ),
    }
  }
  return { ok: true, auth: { environmentId: auth.environmentId, environment: auth.environment, keyId: auth.keyId } }
}
