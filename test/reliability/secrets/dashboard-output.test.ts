/**
 * The dashboard shows a key's secret once, when it is created, and never again; it never shows the
 * admin password. A real dashboard (`next start`) whose admin password is CANARY_PASSWORD gets keys
 * (six from the operator code, one from the settings form in Chromium), uses them (batches, deploy
 * reports, refused requests), is signed into with a wrong password containing the canary and then
 * the right one; then every page's HTML (flight data included), the browser's URL, cookies and
 * storage, every API response and the server's whole log are scanned for the password and the key
 * secrets.
 */
import { type Browser, chromium } from '@playwright/test'
import { afterAll, expect, test } from 'vitest'
import { CANARIES, CANARY_PASSWORD } from '../../support/canaries.js'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { type DashboardUnderTest, startDashboardUnderTest } from '../ingest-fuzz/support/dashboard-under-test.js'
import { plainText, sampleBatch, sampleDeployReport, sampleItems } from '../ingest-fuzz/support/valid-payloads.js'
import { startCanaryCluster } from './support/canary-role.js'
import { scanForCanaries } from './support/scan.js'

let dashboard: DashboardUnderTest | undefined
let browser: Browser | undefined
afterAll(async () => {
  await browser?.close()
  await dashboard?.stop()
})

const PAGES = pick({
  short: ['/', '/env/fuzz', '/env/fuzz/queries', '/env/fuzz/deploys', '/settings', '/login'],
  full: [
    '/',
    '/?env=fuzz',
    '/env/fuzz',
    '/env/fuzz/pool',
    '/env/fuzz/queries',
    '/env/fuzz/slow',
    '/env/fuzz/nplusone',
    '/env/fuzz/deploys',
    '/env/other',
    '/settings',
    '/login',
  ],
})

test('no page, API response or server log shows a key secret after its creation, nor the admin password', async () => {
  dashboard = await startDashboardUnderTest({ name: 'secrets-dashboard', password: CANARY_PASSWORD })
  const { url, keys } = dashboard
  const outputs: Array<{ name: string; text: string }> = []

  // use the keys: accepted, refused, wrong kind, revoked, unknown
  const api = async (name: string, path: string, key: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    outputs.push({
      name: `API ${name} (${response.status})`,
      text: `${JSON.stringify([...response.headers])}\n${await response.text()}`,
    })
    return response.status
  }
  const batch = sampleBatch({
    batchId: 'secrets-batch-1',
    environment: 'fuzz',
    items: sampleItems(new Date(), plainText),
  })
  const report = sampleDeployReport({ environment: 'fuzz', runId: 1, text: plainText })
  const statuses = [
    await api('ingest accepted', '/api/v1/ingest', keys.fuzz.ingest, batch),
    await api('ingest replayed', '/api/v1/ingest', keys.fuzz.ingest, batch),
    await api('ingest bad body', '/api/v1/ingest', keys.fuzz.ingest, '{"schema_version":1'),
    await api('deploy accepted', '/api/v1/deployments', keys.fuzz.ci, report),
    await api('ingest with a ci key', '/api/v1/ingest', keys.fuzz.ci, batch),
    await api('deploy with an ingest key', '/api/v1/deployments', keys.fuzz.ingest, report),
    await api('ingest with a revoked key', '/api/v1/ingest', keys.revoked.ingest, batch),
    await api('ingest for another environment', '/api/v1/ingest', keys.other.ingest, batch),
    await api('ingest with the admin password', '/api/v1/ingest', CANARY_PASSWORD, batch),
  ]
  const health = await fetch(`${url}/api/v1/health`)
  outputs.push({ name: 'API health', text: await health.text() })

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${url}/login?next=/settings`)
  await page.getByLabel('Admin password').fill(`wrong-${CANARY_PASSWORD}`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/error=1/)
  outputs.push({ name: 'login page after a wrong password', text: `${page.url()}\n${await page.content()}` })
  await page.getByLabel('Admin password').fill(CANARY_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((target) => target.pathname === '/settings')

  // a key made in the settings form: its secret shown once, on that page
  await page.getByLabel('Key environment').selectOption('fuzz')
  await page.getByLabel('Key kind').selectOption('ci')
  await page.getByLabel('Key label').fill('made in the browser')
  await page.getByRole('button', { name: 'Create key' }).click()
  const created = (await page.getByTestId('new-key-secret').textContent())?.trim() ?? ''
  outputs.push({ name: 'URL after creating a key', text: page.url() })

  for (const path of PAGES) {
    // networkidle: a page may still redirect after its load event (`/login` when signed in)
    await page.goto(`${url}${path}`, { waitUntil: 'networkidle' })
    outputs.push({ name: `page ${path} (URL, HTML with flight data)`, text: `${page.url()}\n${await page.content()}` })
  }
  const storage = await page.evaluate(() =>
    JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }),
  )
  outputs.push({ name: 'cookies', text: JSON.stringify(await context.cookies()) })
  outputs.push({ name: 'browser storage', text: storage })
  const cookies = await context.cookies()
  await context.close()
  outputs.push({ name: 'server log', text: dashboard.output() })

  const secrets = [...CANARIES, ...Object.values(keys).flatMap((pair) => [pair.ingest, pair.ci]), created]
  const scan = scanForCanaries(outputs, secrets)
  await recordFigures('secrets-dashboard', {
    keySecretsWatched: secrets.length - CANARIES.length,
    apiResponses: statuses.length + 1,
    apiStatuses: statuses,
    pages: PAGES.length + 1,
    outputsScanned: scan.outputs,
    bytesScanned: scan.bytes,
    leaks: scan.leaks.length,
    leakedIn: scan.leaks.map((leak) => `${leak.name} (${leak.form})`),
  })
  await recordOutput('secrets-dashboard', outputs.map(({ name, text }) => `== ${name}\n${text}`).join('\n'))

  expect(created).toMatch(/^dk_ci_[0-9A-Za-z]{32}$/)
  expect(statuses).toEqual([202, 202, 400, 202, 403, 403, 401, 403, 401])
  expect(health.status).toBe(200)
  expect(cookies.map((cookie) => cookie.name)).toContain('dorm_dashboard_session')
  expect(scan.leaks).toEqual([])
}, 300_000)

test('when its PostgreSQL store goes away, no response or log line shows the store password', async () => {
  const canary = await startCanaryCluster('secrets-dashboard-store')
  let onPg: DashboardUnderTest | undefined
  try {
    onPg = await startDashboardUnderTest({
      name: 'secrets-dashboard-pg',
      password: 'store-outage-admin',
      databaseUrl: canary.url,
    })
    const outputs: Array<{ name: string; text: string }> = []
    const call = async (name: string, path: string, init?: RequestInit) => {
      const response = await fetch(`${onPg?.url}${path}`, init)
      outputs.push({ name: `${name} (${response.status})`, text: await response.text() })
      return response.status
    }
    const ingest = (batchId: string): RequestInit => ({
      method: 'POST',
      headers: { authorization: `Bearer ${onPg?.keys.fuzz.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleBatch({ batchId, environment: 'fuzz', items: sampleItems(new Date(), plainText) })),
    })
    const before = [
      await call('health, store up', '/api/v1/health'),
      await call('ingest, store up', '/api/v1/ingest', ingest('store-up-1')),
    ]
    await canary.cluster.stopServer('fast')
    const during = [
      await call('health, store down', '/api/v1/health'),
      await call('ingest, store down', '/api/v1/ingest', ingest('store-down-1')),
      await call('deployments, store down', '/api/v1/deployments', {
        ...ingest('x'),
        headers: { authorization: `Bearer ${onPg.keys.fuzz.ci}` },
      }),
    ]
    await onPg.stop()
    outputs.push({ name: 'server log', text: onPg.output() })
    const scan = scanForCanaries(outputs)
    await recordFigures('secrets-dashboard-store', {
      statusesStoreUp: before,
      statusesStoreDown: during,
      outputsScanned: scan.outputs,
      bytesScanned: scan.bytes,
      leaks: scan.leaks.length,
      leakedIn: scan.leaks.map((leak) => `${leak.name} (${leak.form})`),
    })
    await recordOutput('secrets-dashboard-store', outputs.map(({ name, text }) => `== ${name}\n${text}`).join('\n'))
    expect(before).toEqual([200, 202])
    expect(during).toEqual([503, 503, 503])
    // the public health answer names the failure class (docs/dashboard.md), also in the minified server build
    expect(outputs.find((output) => output.name.startsWith('health, store down'))?.text).toContain(
      '"error":"OperationalError: the store does not answer',
    )
    expect(scan.leaks).toEqual([])
  } finally {
    await onPg?.stop()
    await canary.stop()
  }
}, 300_000)
