import { expect, test } from '@playwright/test'
import { SCRIPT_TEMPLATE } from '../support/seed-data.js'
import { signIn } from '../support/sign-in.js'

test('SQL text containing <script> renders as text and never runs', async ({ page }) => {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  for (const path of ['/env/production/queries?range=24h', '/env/production/slow?range=24h']) {
    await signIn(page, path)
    await expect(page.getByText(SCRIPT_TEMPLATE, { exact: false }).first()).toBeVisible()
    expect(await page.evaluate(() => (window as unknown as { __dormXss?: number }).__dormXss)).toBeUndefined()
    // no script element carries the payload: it is a text node
    expect(await page.locator('script', { hasText: '__dormXss' }).count()).toBe(0)
  }
  expect(dialogs).toEqual([])
})
