import { expect, test } from '@playwright/test'
import { signIn } from '../support/sign-in.js'

test('the time range lives in the URL and survives a reload', async ({ page }) => {
  await signIn(page, '/env/production/queries')
  const picker = page.getByTestId('range-picker')
  await picker.selectOption('7d')
  await expect(page).toHaveURL(/[?&]range=7d\b/)
  await expect(picker).toHaveValue('7d')

  await page.reload()
  await expect(page).toHaveURL(/[?&]range=7d\b/)
  await expect(page.getByTestId('range-picker')).toHaveValue('7d')
})
