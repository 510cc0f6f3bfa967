/**
 * The root layout: the top bar (fleet, settings, sign out) around every page. Without
 * DASHBOARD_ADMIN_PASSWORD the dashboard refuses to serve pages and says how to fix it.
 */
import type { Metadata } from 'next'
import { cookies } from 'next/headers'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { adminPassword, SESSION_COOKIE } from '../lib/auth'
import { signOut } from './login/actions'
import './globals.css'

export const metadata: Metadata = {
  title: 'dorm dashboard',
  description: 'Pool saturation and slow-query review across environments',
}

/** The layout (see the module doc). */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const configured = adminPassword() !== null
  const signedIn = configured && Boolean((await cookies()).get(SESSION_COOKIE)?.value)
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            dorm dashboard
          </Link>
          {signedIn ? (
            <>
              <Link href="/">Fleet</Link>
              <Link href="/settings">Settings</Link>
            </>
          ) : null}
          <span className="spacer" />
          {signedIn ? (
            <form action={signOut}>
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main>
          {configured ? (
            children
          ) : (
            <section className="banner danger" data-testid="setup-error">
              <h1>The dashboard is not configured</h1>
              <p>
                <code>DASHBOARD_ADMIN_PASSWORD</code> is not set, so nobody could sign in: the pages stay closed. Set it
                in the environment of the server and restart, e.g.
              </p>
              <pre>
                <code>DASHBOARD_ADMIN_PASSWORD="$(openssl rand -base64 24)" npx next start</code>
              </pre>
              <p>The ingest API keeps accepting telemetry meanwhile.</p>
            </section>
          )}
        </main>
      </body>
    </html>
  )
}
