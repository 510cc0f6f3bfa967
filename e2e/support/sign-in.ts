/**
 * Signs the page in through the login form with the run's admin password.
 *
 * @example
 * ```ts
 * await signIn(page, '/env/production/pool')
 * ```
 */
import { expect, type Page } from '@playwright/test'
import { runState } from './run-state.js'

/**
 * Visits `path`, signs in on the login page it redirects to, and waits to be back on `path`.
 *
 * @example
 * ```ts
 * await signIn(page, '/settings')
 * ```
 */
export async function signIn(page: Page, path = '/'): Promise<void> {
  await page.goto(path)
  if (new URL(page.url()).pathname === '/login') {
    await page.getByLabel('Admin password').fill(runState().password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page).not.toHaveURL(/\/login/)
  }
}
