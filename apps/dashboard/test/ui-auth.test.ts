/**
 * Sign-in (lib/auth.ts) against a real store on each backend: password comparison, sessions stored
 * only as hashes and expiring after 12 hours, sign-out, the cookie and redirect helpers, and the
 * route-handler guard (503 unconfigured, 401 without a session, 403 cross-origin writes).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  adminPassword,
  createSession,
  endSession,
  hashToken,
  isSameOrigin,
  passwordMatches,
  rejectUnauthenticated,
  requireAdminPassword,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  safeNextPath,
  sessionCookieOptions,
  sessionFor,
  tokenFromCookieHeader,
} from '../lib/auth'
import { closeDatabase } from '../lib/db'
import { Session } from '../lib/models'
import { dashboardTestBackends, useFreshStore } from './support/stores'

describe('password and helpers', () => {
  it('matches only the exact password, whatever the lengths', () => {
    expect(passwordMatches('correct horse', 'correct horse')).toBe(true)
    expect(passwordMatches('correct hors', 'correct horse')).toBe(false)
    expect(passwordMatches('', 'correct horse')).toBe(false)
    expect(passwordMatches('x'.repeat(10_000), 'correct horse')).toBe(false)
  })

  it('refuses to run without DASHBOARD_ADMIN_PASSWORD and says how to set it', () => {
    expect(adminPassword({})).toBeNull()
    expect(adminPassword({ DASHBOARD_ADMIN_PASSWORD: '' })).toBeNull()
    expect(() => requireAdminPassword({})).toThrow(/DASHBOARD_ADMIN_PASSWORD is not set.*restart/)
    expect(requireAdminPassword({ DASHBOARD_ADMIN_PASSWORD: 'pw' })).toBe('pw')
  })

  it('only returns to local paths after signing in', () => {
    expect(safeNextPath('/env/production/pool?range=1h')).toBe('/env/production/pool?range=1h')
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '', null, undefined]) {
      expect(safeNextPath(bad)).toBe('/')
    }
  })

  it('reads the session token from a Cookie header', () => {
    expect(tokenFromCookieHeader(`a=1; ${SESSION_COOKIE}=abc%3D; b=2`)).toBe('abc=')
    expect(tokenFromCookieHeader('a=1')).toBeNull()
    expect(tokenFromCookieHeader(null)).toBeNull()
  })

  it('sets an HttpOnly, SameSite=Lax cookie, Secure over https only', () => {
    const expires = new Date('2026-01-01T12:00:00Z')
    expect(sessionCookieOptions(true, expires)).toEqual({
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
      path: '/',
      expires,
    })
    expect(sessionCookieOptions(false, expires).secure).toBe(false)
  })

  it('tells same-origin requests from cross-site ones', () => {
    const request = (headers: Record<string, string>) =>
      new Request('http://dash.test/settings', { method: 'POST', headers: { host: 'dash.test', ...headers } })
    expect(isSameOrigin(request({ origin: 'http://dash.test' }))).toBe(true)
    expect(isSameOrigin(request({ referer: 'http://dash.test/settings' }))).toBe(true)
    expect(isSameOrigin(request({ origin: 'http://evil.example' }))).toBe(false)
    expect(isSameOrigin(request({ origin: 'null' }))).toBe(false)
    expect(isSameOrigin(request({}))).toBe(false)
  })
})

describe.each(dashboardTestBackends())('sessions on %s', (backend) => {
  const savedPassword = process.env.DASHBOARD_ADMIN_PASSWORD

  beforeAll(() => useFreshStore(backend, 'ui_auth'))
  afterAll(async () => {
    process.env.DASHBOARD_ADMIN_PASSWORD = savedPassword
    await closeDatabase()
  })
  afterEach(() => {
    process.env.DASHBOARD_ADMIN_PASSWORD = 'pw'
  })

  it('stores only the hash of the token, and the session lasts 12 hours', async () => {
    const now = new Date('2026-01-01T00:00:00Z')
    const { token, expiresAt } = await createSession(now)
    expect(token.length).toBeGreaterThanOrEqual(43)
    expect(expiresAt.getTime() - now.getTime()).toBe(SESSION_TTL_MS)
    const stored = await Session.objects.get({ token_hash: hashToken(token) })
    expect(stored.token_hash).not.toContain(token)
    expect(await Session.objects.filter({ token_hash: token }).exists()).toBe(false)

    expect(await sessionFor(token, new Date('2026-01-01T11:59:00Z'))).not.toBeNull()
    expect(await sessionFor(token, new Date('2026-01-01T12:00:01Z'))).toBeNull()
    expect(await sessionFor(`${token}x`, now)).toBeNull()
    expect(await sessionFor(undefined, now)).toBeNull()
  })

  it('signing out deletes the session', async () => {
    const { token } = await createSession()
    expect(await sessionFor(token)).not.toBeNull()
    await endSession(token)
    expect(await sessionFor(token)).toBeNull()
    expect(await Session.objects.filter({ token_hash: hashToken(token) }).exists()).toBe(false)
  })

  it('deletes expired sessions when a new one starts', async () => {
    const old = await createSession(new Date('2020-01-01T00:00:00Z'))
    await createSession()
    expect(await Session.objects.filter({ token_hash: hashToken(old.token) }).exists()).toBe(false)
  })

  it('guards route handlers: 503 unconfigured, 401 without a session, 403 cross-origin writes', async () => {
    const { token } = await createSession()
    const cookie = `${SESSION_COOKIE}=${token}`
    const get = (headers: Record<string, string>) => new Request('http://dash.test/x', { headers })
    const post = (headers: Record<string, string>) =>
      new Request('http://dash.test/x', { method: 'POST', headers: { host: 'dash.test', ...headers } })

    process.env.DASHBOARD_ADMIN_PASSWORD = 'pw'
    expect(await rejectUnauthenticated(get({ cookie }))).toBeNull()
    expect((await rejectUnauthenticated(get({})))?.status).toBe(401)
    expect((await rejectUnauthenticated(get({ cookie: `${SESSION_COOKIE}=forged` })))?.status).toBe(401)
    expect((await rejectUnauthenticated(post({ cookie, origin: 'http://evil.example' })))?.status).toBe(403)
    expect(await rejectUnauthenticated(post({ cookie, origin: 'http://dash.test' }))).toBeNull()

    delete process.env.DASHBOARD_ADMIN_PASSWORD
    const unconfigured = await rejectUnauthenticated(get({ cookie }))
    expect(unconfigured?.status).toBe(503)
    expect(await unconfigured?.json()).toEqual({ error: expect.stringContaining('DASHBOARD_ADMIN_PASSWORD') })
  })
})
