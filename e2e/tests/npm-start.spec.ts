/**
 * `npm start` end to end: the start script itself with a temp demo dir and free ports, waited for
 * until "Ready in"; then Chromium signs in with the printed password and finds the demo
 * environment's pages filled by the running shop (fleet row, pool samples, templates, the slow
 * report, the N+1 report) and by the Action (the deploy report with its finding and dry-run SQL).
 * Screenshots go to artifacts/start-*.png; the fleet one also to docs/images/dashboard-fleet.png
 * for the README when that file is missing or with DORM_UPDATE_DOCS_IMAGES=1 (so a test run leaves
 * the committed picture alone). Finally Ctrl-C: the script exits 0, every process it started is gone and both
 * ports are free.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect, type Locator, type Page, test } from '@playwright/test'
import { getFreePort } from '../../scripts/pg-cluster.mjs'
import { isAlive, type StartedDemo, startDemo } from '../support/demo-start.js'
import { ARTIFACTS_DIR, REPO_ROOT } from '../support/paths.js'

/** The README's picture of the fleet page (rewritten only when missing or DORM_UPDATE_DOCS_IMAGES=1). */
const README_IMAGE = join(REPO_ROOT, 'docs', 'images', 'dashboard-fleet.png')

/** Data arrives with the shop's telemetry, every 2 s here: pages are reloaded until it shows. */
const DATA_TIMEOUT_MS = 60_000

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/** Reloads `path` until `locator` shows (the exporter's next batch may still be on its way). */
async function showsAfterReload(page: Page, path: string, locator: Locator): Promise<void> {
  await page.goto(path)
  await expect(async () => {
    if (!(await locator.first().isVisible())) {
      await page.reload()
      await expect(locator.first()).toBeVisible({ timeout: 3000 })
    }
  }).toPass({ timeout: DATA_TIMEOUT_MS, intervals: [1000, 2000] })
}

async function screenshot(page: Page, name: string): Promise<string> {
  await page.waitForLoadState('networkidle')
  const file = join(ARTIFACTS_DIR, `start-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

test('npm start runs the demo: the dashboard shows the shop and the deploy, Ctrl-C stops everything', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000)
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const demoDir = mkdtempSync(join(tmpdir(), 'dorm-e2e-demo-'))
  const dashboardPort = await getFreePort()
  let shopPort = await getFreePort()
  while (shopPort === dashboardPort) shopPort = await getFreePort()
  let demo: StartedDemo | undefined
  try {
    demo = await startDemo({
      demoDir,
      dashboardPort,
      shopPort,
      env: { DORM_DEMO_TELEMETRY_INTERVAL_S: '2' },
    })
    const { dashboardUrl, password, shopUrl } = demo.ready
    expect(dashboardUrl).toBe(`http://127.0.0.1:${dashboardPort}`)
    expect(shopUrl).toBe(`http://127.0.0.1:${shopPort}`)
    // one line per step, each with its timing
    for (let step = 1; step <= 11; step++) {
      expect(demo.output()).toMatch(new RegExp(`^\\[\\s*${step}/11\\] .+ \\(\\d+\\.\\d s\\)$`, 'm'))
    }
    expect(demo.output()).toContain(`dashboard ${dashboardPort} (from DORM_DEMO_DASHBOARD_PORT)`)
    const started = demo.descendants()
    expect(started.length).toBeGreaterThanOrEqual(2)

    await page.setViewportSize({ width: 1440, height: 1000 })
    await page.goto(`${dashboardUrl}/env/demo/pool?range=1h`)
    await expect(page).toHaveURL(/\/login/)
    await page.getByLabel('Admin password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page).toHaveURL(/\/env\/demo\/pool/)

    // the fleet: the shop reporting in the demo environment
    const shopRow = page.getByTestId('fleet-row').filter({ hasText: 'shop' })
    await showsAfterReload(page, `${dashboardUrl}/?env=demo&range=1h`, shopRow)
    await expect(shopRow.first()).toContainText('demo')

    // the pool: samples of the shop's pools
    await showsAfterReload(
      page,
      `${dashboardUrl}/env/demo/pool?range=1h`,
      page.getByTestId('pool-row').filter({ hasText: 'shop' }),
    )
    await screenshot(page, 'pool')

    // the queries: the shop's templates, on its routes; the slow sales report in the slow log
    await showsAfterReload(
      page,
      `${dashboardUrl}/env/demo/queries?range=1h`,
      page.getByTestId('template-row').filter({ hasText: 'shop_product' }),
    )
    await expect(page.getByTestId('templates-table')).toContainText('/products')
    await screenshot(page, 'queries')
    await showsAfterReload(
      page,
      `${dashboardUrl}/env/demo/slow?range=1h`,
      page.getByTestId('slow-row').filter({ hasText: '/reports/sales' }),
    )
    await showsAfterReload(
      page,
      `${dashboardUrl}/env/demo/nplusone?range=1h`,
      page.getByTestId('nplusone-row').filter({ hasText: '/reports/customers-naive' }),
    )

    // the deploy report the Action sent, with its lint finding and the SQL it ran
    await page.goto(`${dashboardUrl}/env/demo/deploys`)
    const deployRow = page.getByTestId('deploy-row')
    await expect(deployRow).toHaveCount(1)
    await deployRow.first().getByRole('link').first().click()
    await expect(page).toHaveURL(/\/env\/demo\/deploys\/\d+/)
    await expect(page.getByTestId('deploy-finding').first()).toBeVisible()
    await expect(page.getByTestId('dry-run-sql').first()).toContainText('CREATE TABLE')
    await screenshot(page, 'deploy')

    // the fleet again, a minute of traffic later (slow statements counted, the deploy listed), for the README
    await page.setViewportSize({ width: 1280, height: 320 })
    await page.goto(`${dashboardUrl}/?env=demo&range=1h`)
    await expect(shopRow.first()).toContainText('applied')
    const fleet = await screenshot(page, 'fleet')
    if (process.env.DORM_UPDATE_DOCS_IMAGES === '1' || !existsSync(README_IMAGE)) {
      mkdirSync(dirname(README_IMAGE), { recursive: true })
      copyFileSync(fleet, README_IMAGE)
    }

    // Ctrl-C: exit 0, nothing left running, both ports free
    const running = demo.descendants()
    const exit = await demo.interrupt()
    expect(exit, demo.output()).toEqual({ code: 0, signal: null })
    expect(demo.output()).toContain('Stopped the shop (exit 0')
    expect(demo.output()).toContain('Stopped the dashboard')
    const left = [...new Set([...started, ...running])].filter(isAlive)
    expect(left, `processes left running: ${left.join(', ')}`).toEqual([])
    expect(await portIsFree(dashboardPort)).toBe(true)
    expect(await portIsFree(shopPort)).toBe(true)
  } finally {
    await demo?.interrupt(10_000)
    rmSync(demoDir, { recursive: true, force: true })
  }
})
