import { expect, test } from '@playwright/test'
import { runState } from '../support/run-state.js'
import { signIn } from '../support/sign-in.js'

test('the example app saturating a pool of 2 shows the saturation banner and the slow template with its p95', async ({
  page,
}) => {
  await signIn(page, '/env/production/pool?range=1h')
  const banner = page.getByTestId('pool-saturation-banner')
  await expect(banner).toBeVisible()
  await expect(banner).toContainText(runState().exampleService)
  await expect(banner).toContainText('MAX_POOL_SIZE')

  const slow = page.getByTestId('template-row').filter({ hasText: 'pg_sleep' })
  await expect(slow.first()).toBeVisible()
  await expect(slow.first()).toContainText('SELECT pg_sleep(?) AS slept')
  // twenty statements of one second: the p95 read from the merged histogram is about a second
  await expect(slow.first().getByTestId('template-p95')).toHaveText(/^1\.\d\d s$/)
})
