/**
 * Sends page visits without a session cookie to `/login?next=<page>`. A convenience only: every
 * page, server action and route handler checks the session itself (lib/auth.ts), because a proxy
 * can be bypassed. The ingest API (`/api/v1/*`), Next's assets and the login page are not matched.
 *
 * @example
 * ```sh
 * curl -si http://localhost:3000/settings | grep -i location   # location: /login?next=%2Fsettings
 * ```
 */
import type { NextRequest } from 'next/server'
import { NextResponse } from 'next/server'

/** The session cookie of lib/auth.ts (kept literal: the proxy must not load the database layer). */
const SESSION_COOKIE = 'dorm_dashboard_session'

export function proxy(request: NextRequest) {
  if (request.cookies.get(SESSION_COOKIE)?.value) return NextResponse.next()
  const login = new URL('/login', request.url)
  login.searchParams.set('next', `${request.nextUrl.pathname}${request.nextUrl.search}`)
  return NextResponse.redirect(login)
}

export const config = {
  matcher: ['/((?!api/v1/|login|_next/|favicon\\.ico|robots\\.txt).*)'],
}
