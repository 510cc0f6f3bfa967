/**
 * Sign-in for the dashboard's pages: one admin password (DASHBOARD_ADMIN_PASSWORD), compared in
 * constant time on SHA-256 digests; a session is a random token in an HttpOnly, SameSite=Lax cookie
 * (Secure over https), stored only as its SHA-256 in the Session model, valid 12 hours; signing out
 * deletes it. Every page, server action and route handler checks the session itself: the proxy's
 * redirect is a convenience, never the guard.
 *
 * @example
 * ```ts
 * // a page
 * export default async function Page() {
 *   await requireSession('/settings')
 *   return <h1>Settings</h1>
 * }
 * // a route handler
 * export async function GET(request: Request) {
 *   const denied = await rejectUnauthenticated(request)
 *   if (denied) return denied
 *   return Response.json({ ok: true })
 * }
 * ```
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { ImproperlyConfigured } from '@dorm/engine'
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { ensureDatabase } from './db'
import { Session } from './models'

/** Name of the session cookie. */
export const SESSION_COOKIE = 'dorm_dashboard_session'

/** How long a session lasts: 12 hours. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

/** A valid session. */
export interface DashboardSession {
  id: number
  expiresAt: Date
}

/**
 * The admin password from DASHBOARD_ADMIN_PASSWORD, or null when it is unset or empty.
 *
 * @example
 * ```ts
 * if (adminPassword() === null) return <SetupError />
 * ```
 */
export function adminPassword(env: Record<string, string | undefined> = process.env): string | null {
  const value = env.DASHBOARD_ADMIN_PASSWORD
  return value ? value : null
}

/**
 * The admin password, or an ImproperlyConfigured error saying how to set it.
 *
 * @example
 * ```ts
 * const expected = requireAdminPassword()
 * ```
 */
export function requireAdminPassword(env: Record<string, string | undefined> = process.env): string {
  const value = adminPassword(env)
  if (value === null) {
    throw new ImproperlyConfigured(
      'DASHBOARD_ADMIN_PASSWORD is not set, so nobody can sign in to the dashboard. ' +
        'Set it in the environment of `next start` (e.g. DASHBOARD_ADMIN_PASSWORD="$(openssl rand -base64 24)") and restart.',
    )
  }
  return value
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

/**
 * Whether `candidate` is the admin password: both sides are hashed first, so the comparison takes
 * the same time whatever the lengths, and `timingSafeEqual` compares the digests.
 *
 * @example
 * ```ts
 * passwordMatches('hunter2', 'hunter2') // true
 * ```
 */
export function passwordMatches(candidate: string, expected: string = requireAdminPassword()): boolean {
  return timingSafeEqual(sha256(candidate), sha256(expected))
}

/**
 * The stored form of a session token (hex SHA-256).
 *
 * @example
 * ```ts
 * hashToken('abc').length // 64
 * ```
 */
export function hashToken(token: string): string {
  return sha256(token).toString('hex')
}

/**
 * Starts a session: a 256-bit random token (returned, to put in the cookie) whose hash is stored
 * with a 12 h expiry. Expired sessions are deleted on the way.
 *
 * @example
 * ```ts
 * const { token, expiresAt } = await createSession()
 * ```
 */
export async function createSession(now: Date = new Date()): Promise<{ token: string; expiresAt: Date }> {
  await ensureDatabase()
  await Session.objects.filter({ expires_at__lte: now }).delete()
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS)
  await Session.objects.create({ token_hash: hashToken(token), created_at: now, expires_at: expiresAt })
  return { token, expiresAt }
}

/**
 * The session of a token, or null when the token is missing, unknown or expired.
 *
 * @example
 * ```ts
 * const session = await sessionFor(cookieValue)
 * ```
 */
export async function sessionFor(
  token: string | null | undefined,
  now: Date = new Date(),
): Promise<DashboardSession | null> {
  if (!token || token.length > 200) return null
  await ensureDatabase()
  const row = await Session.objects.filter({ token_hash: hashToken(token), expires_at__gt: now }).first()
  return row ? { id: Number(row.id), expiresAt: new Date(row.expires_at) } : null
}

/**
 * Ends the session of a token (signing out). Unknown tokens are ignored.
 *
 * @example
 * ```ts
 * await endSession(cookieValue)
 * ```
 */
export async function endSession(token: string | null | undefined): Promise<void> {
  if (!token) return
  await ensureDatabase()
  await Session.objects.filter({ token_hash: hashToken(token) }).delete()
}

/**
 * The attributes of the session cookie: HttpOnly, SameSite=Lax, path /, Secure over https.
 *
 * @example
 * ```ts
 * (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(true, expiresAt))
 * ```
 */
export function sessionCookieOptions(secure: boolean, expiresAt: Date) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', expires: expiresAt }
}

/**
 * The session token in a `Cookie` request header, or null.
 *
 * @example
 * ```ts
 * tokenFromCookieHeader('a=1; dorm_dashboard_session=xyz') // 'xyz'
 * ```
 */
export function tokenFromCookieHeader(header: string | null): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='))
  }
  return null
}

/**
 * A local path to return to after signing in, or `/` (never another site: `//evil` and
 * `https://...` are refused).
 *
 * @example
 * ```ts
 * safeNextPath('/env/production/pool?range=1h') // '/env/production/pool?range=1h'
 * safeNextPath('//evil.example') // '/'
 * ```
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  return next
}

/**
 * For pages and server actions: the current session, or a redirect to `/login` (carrying `next`,
 * the page to come back to). Throws ImproperlyConfigured when DASHBOARD_ADMIN_PASSWORD is unset.
 *
 * @example
 * ```ts
 * await requireSession(`/env/${env}/pool`)
 * ```
 */
export async function requireSession(nextPath = '/'): Promise<DashboardSession> {
  requireAdminPassword()
  const token = (await cookies()).get(SESSION_COOKIE)?.value
  const session = await sessionFor(token)
  if (!session) redirect(`/login?next=${encodeURIComponent(safeNextPath(nextPath))}`)
  return session
}

/**
 * Whether a request's Origin (or, without one, its Referer) is the host it was sent to: the CSRF
 * check of form POSTs handled by route handlers (server actions get the same check from Next).
 *
 * @example
 * ```ts
 * if (!isSameOrigin(request)) return new Response('cross-site form refused', { status: 403 })
 * ```
 */
export function isSameOrigin(request: Request): boolean {
  const source = request.headers.get('origin') ?? request.headers.get('referer')
  if (!source || source === 'null') return false
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? new URL(request.url).host
  try {
    return new URL(source).host === host
  } catch {
    return false
  }
}

/**
 * For route handlers behind the sign-in: null when the request carries a valid session (and, for
 * anything but GET/HEAD, comes from this origin), else the 401/403/503 response to return.
 *
 * @example
 * ```ts
 * const denied = await rejectUnauthenticated(request)
 * if (denied) return denied
 * ```
 */
export async function rejectUnauthenticated(request: Request): Promise<Response | null> {
  if (adminPassword() === null) {
    return Response.json(
      { error: 'DASHBOARD_ADMIN_PASSWORD is not set: set it and restart the dashboard.' },
      { status: 503 },
    )
  }
  const session = await sessionFor(tokenFromCookieHeader(request.headers.get('cookie')))
  if (!session)
    return Response.json({ error: 'sign in at /login first, then send the session cookie' }, { status: 401 })
  if (!['GET', 'HEAD'].includes(request.method) && !isSameOrigin(request)) {
    return Response.json({ error: 'cross-origin request refused: send it from the dashboard itself' }, { status: 403 })
  }
  return null
}
