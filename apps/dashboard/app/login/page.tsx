/**
 * `/login`: the admin password form. Already signed in: straight to `next`.
 */
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { SESSION_COOKIE, safeNextPath, sessionFor } from '../../lib/auth'
import type { SearchParams } from '../../lib/data/time-range'
import { signIn } from './actions'

export const dynamic = 'force-dynamic'

/** The sign-in page. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams
  const next = safeNextPath(typeof params.next === 'string' ? params.next : '/')
  if (await sessionFor((await cookies()).get(SESSION_COOKIE)?.value)) redirect(next)
  return (
    <section className="login">
      <h1>Sign in</h1>
      <form action={signIn} className="stack">
        <input type="hidden" name="next" value={next} />
        <label htmlFor="password">Admin password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        {params.error ? (
          <p className="error-text" role="alert">
            Wrong password. It is the value of DASHBOARD_ADMIN_PASSWORD on the server.
          </p>
        ) : null}
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </section>
  )
}
