import { expect, test } from '@playwright/test'
import { runState } from '../support/run-state.js'

test('an unauthenticated visit redirects to the login page, and signing in leads back', async ({ page }) => {
  await page.goto('/env/production/pool?range=24h')
  await expect(page).toHaveURL(/\/login\?next=/)
  expect(new URL(page.url()).searchParams.get('next')).toBe('/env/production/pool?range=24h')

  await page.getByLabel('Admin password').fill('not the password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('Wrong password.')).toBeVisible()

  await page.getByLabel('Admin password').fill(runState().password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/env\/production\/pool\?range=24h$/)
})

test('the API routes behind the login answer 401 without a session, the ingest API without a key', async ({
  request,
}) => {
  const health = await request.get('/api/v1/health')
  expect(health.status()).toBe(200)
  const ingest = await request.post('/api/v1/ingest', { data: {} })
  expect(ingest.status()).toBe(401)
})
