import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { ARTIFACTS_DIR } from '../support/paths.js'
import { runState } from '../support/run-state.js'
import { signIn } from '../support/sign-in.js'

const PAGES = [
  { name: 'fleet', path: '/?range=24h', ready: 'fleet-grid' },
  { name: 'pool', path: '/env/production/pool?range=1h', ready: 'pool-saturation-banner' },
  { name: 'queries', path: '/env/production/queries?range=24h', ready: 'templates-table' },
  { name: 'deploy', path: () => `/env/production/deploys/${runState().deployId}`, ready: 'dry-run-sql' },
] as const

test.beforeAll(() => mkdirSync(ARTIFACTS_DIR, { recursive: true }))

for (const { name, path, ready } of PAGES) {
  test(`screenshot of the ${name} page`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 1440, height: 1000 })
    await signIn(page, typeof path === 'function' ? path() : path)
    await expect(page.getByTestId(ready).first()).toBeVisible()
    // charts draw after hydration
    await page.waitForLoadState('networkidle')
    const file = join(ARTIFACTS_DIR, `${name}.png`)
    await page.screenshot({ path: file, fullPage: true })
    await testInfo.attach(`${name}.png`, { path: file, contentType: 'image/png' })
  })
}
