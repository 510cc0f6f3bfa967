import { expect, test } from '@playwright/test'
import { PRODUCTION_TEMPLATE, STAGING_TEMPLATE } from '../support/seed-data.js'
import { signIn } from '../support/sign-in.js'

test('switching the environment filters the data', async ({ page }) => {
  await signIn(page, '/env/production/queries?range=24h')
  const rows = page.getByTestId('template-row')
  await expect(rows.filter({ hasText: PRODUCTION_TEMPLATE })).toHaveCount(1)
  await expect(rows.filter({ hasText: STAGING_TEMPLATE })).toHaveCount(0)

  await page.getByTestId('env-switcher').selectOption('staging')
  await expect(page).toHaveURL(/\/env\/staging\/queries\?range=24h$/)
  await expect(rows.filter({ hasText: STAGING_TEMPLATE })).toHaveCount(1)
  await expect(rows.filter({ hasText: PRODUCTION_TEMPLATE })).toHaveCount(0)
  await expect(rows.filter({ hasText: 'pg_sleep' })).toHaveCount(0)
})
