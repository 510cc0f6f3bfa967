import { expect, test } from '@playwright/test'
import { signIn } from '../support/sign-in.js'

test('a created key is shown once', async ({ page }) => {
  await signIn(page, '/settings')
  const form = page.getByRole('form', { name: 'New key' })
  await form.getByLabel('Key environment').selectOption('staging')
  await form.getByLabel('Key kind').selectOption('ci')
  await form.getByLabel('Key label').fill('shown once')
  await form.getByRole('button', { name: 'Create key' }).click()

  const secret = page.getByTestId('new-key-secret')
  await expect(secret).toHaveText(/^dk_ci_[0-9A-Za-z]{32}$/)
  const value = (await secret.textContent())?.trim() ?? ''
  const row = page.getByTestId('key-row').filter({ hasText: 'shown once' })
  await expect(row).toHaveCount(1)

  await page.reload()
  await expect(page.getByTestId('new-key-secret')).toHaveCount(0)
  await expect(page.getByTestId('key-row').filter({ hasText: 'shown once' })).toHaveCount(1)
  expect(await page.content()).not.toContain(value)
})
