'use server'
/**
 * Sign-in and sign-out, as server actions (Next checks that their Origin is this host, so a form
 * on another site cannot post them).
 *
 * @example
 * ```tsx
 * <form action={signIn}><input name="password" type="password" /></form>
 * ```
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import {
  adminPassword,
  createSession,
  endSession,
  passwordMatches,
  SESSION_COOKIE,
  safeNextPath,
  sessionCookieOptions,
} from '../../lib/auth'

/** Slows down password guessing a little. */
const FAILED_SIGN_IN_DELAY_MS = 500

async function requestIsHttps(): Promise<boolean> {
  if (process.env.DASHBOARD_SECURE_COOKIES === '1') return true
  const h = await headers()
  const proto = h.get('x-forwarded-proto')
  if (proto) return proto.split(',')[0]?.trim() === 'https'
  return (h.get('origin') ?? '').startsWith('https://')
}

/**
 * Checks the password; on success starts a session and goes to `next`, else back to the form.
 *
 * @example
 * ```tsx
 * <form action={signIn}>...</form>
 * ```
 */
export async function signIn(formData: FormData): Promise<void> {
  const next = safeNextPath(String(formData.get('next') ?? '/'))
  const password = String(formData.get('password') ?? '')
  if (adminPassword() === null) redirect('/login')
  if (!passwordMatches(password)) {
    await sleep(FAILED_SIGN_IN_DELAY_MS)
    redirect(`/login?error=1&next=${encodeURIComponent(next)}`)
  }
  const { token, expiresAt } = await createSession()
  ;(await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(await requestIsHttps(), expiresAt))
  redirect(next)
}

/**
 * Ends the session (deleting it from the store) and goes to the sign-in page.
 *
 * @example
 * ```tsx
 * <form action={signOut}><button>Sign out</button></form>
 * ```
 */
export async function signOut(): Promise<void> {
  const jar = await cookies()
  await endSession(jar.get(SESSION_COOKIE)?.value)
  jar.delete(SESSION_COOKIE)
  redirect('/login')
}
