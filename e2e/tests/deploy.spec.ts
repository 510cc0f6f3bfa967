import { expect, test } from '@playwright/test'
import { runState } from '../support/run-state.js'
import { DRY_RUN_SQL } from '../support/seed-data.js'
import { signIn } from '../support/sign-in.js'

test('a deploy report with a DORM-M003 finding and its dry-run SQL shows on the deploy page', async ({ page }) => {
  await signIn(page, `/env/production/deploys/${runState().deployId}`)
  const finding = page.getByTestId('deploy-finding').filter({ hasText: 'DORM-M003' })
  await expect(finding).toHaveCount(1)
  await expect(finding).toContainText('src/shop/migrations/0002_order_status.ts')
  await expect(page.getByTestId('dry-run-sql')).toContainText(DRY_RUN_SQL)

  // and the deploy is listed for its environment only
  await page.goto('/env/production/deploys')
  await expect(page.getByTestId('deploy-row')).toHaveCount(1)
  await page.goto('/env/staging/deploys')
  await expect(page.getByTestId('deploy-row')).toHaveCount(0)
})
