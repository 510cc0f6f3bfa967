/**
 * HTML and JavaScript in every string field the dashboard receives render inert in Chromium: valid
 * batches and deploy reports whose every text (service, host, aliases, routes, templates, errors,
 * event data, repository, commit fields, run URL, findings, migration names, dry-run SQL, drift,
 * failure) and key labels are script-injection payloads, then every page that shows them opened
 * in Chromium. No payload may run (each calls an exposed `__xss`), no dialog may open, no element a
 * payload describes may exist, and the payloads must be visible as text.
 */
import { templateFingerprint } from '@dorm/engine/contrib/querylog'
import { type Browser, chromium } from '@playwright/test'
import { afterAll, expect, test } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { type DashboardUnderTest, startDashboardUnderTest } from './support/dashboard-under-test.js'
import { inspectPage, type PageInspection, watchForScripts } from './support/inert-page.js'
import { plainText, sampleBatch, sampleDeployReport, sampleItems } from './support/valid-payloads.js'
import { XSS_VARIANTS, XssPlan } from './support/xss-payloads.js'

const PASSWORD = 'xss-admin-password'
/** Variants whose detail pages (template, deploy) are opened; list pages show every variant. */
const DETAIL_VARIANTS = pick({ short: [0, 1, 5], full: XSS_VARIANTS.map((_, index) => index) })
/** Fields the pages must render (as text) for the check to mean anything: what docs/dashboard.md says they show. */
const FIELDS_RENDERED = [
  'batch.service',
  'health.error',
  'pool.alias',
  'rollup.alias',
  'rollup.template',
  'rollup.route',
  'slow.template',
  'slow.route',
  'slow.error',
  'request.route',
  'request.nplusone.template',
  'report.repository',
  'report.ref',
  'finding.message',
  'finding.file',
  'finding.operation',
  'plan.name',
  'plan.sql',
  'applied',
  'drift.detail',
  'failure.message',
  'key.label',
  'url.route',
]

let dashboard: DashboardUnderTest | undefined
let browser: Browser | undefined
afterAll(async () => {
  await browser?.close()
  await dashboard?.stop()
})

async function post(url: string, key: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const answer = (await response.json()) as Record<string, unknown>
  if (response.status !== 202 || answer.rejected !== 0) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer)}`)
  }
  return answer
}

test('payloads in every received string render as text and never run', async () => {
  const plan = new XssPlan()
  const keyLabels = XSS_VARIANTS.map((_, variant) => plan.textFor(variant)('key.label'))
  dashboard = await startDashboardUnderTest({ name: 'xss', password: PASSWORD, keyLabels })
  const { url, keys } = dashboard

  // recent enough that no service is stale (5 minutes) and every item is in the default 24 h range
  const at = new Date(Date.now() - 60_000)
  const deployIds: number[] = []
  const fingerprints: string[] = []
  for (let variant = 0; variant < XSS_VARIANTS.length; variant++) {
    const text = plan.textFor(variant)
    const batch = sampleBatch({
      batchId: `xss-batch-${variant}`,
      environment: 'fuzz',
      service: text('batch.service'),
      host: text('batch.host'),
      items: sampleItems(at, text),
    })
    const stored = await post(`${url}/api/v1/ingest`, keys.fuzz.ingest, batch)
    expect(stored.accepted).toBe(6)
    const report = sampleDeployReport({ environment: 'fuzz', runId: variant, text, finishedAt: at })
    deployIds.push(Number((await post(`${url}/api/v1/deployments`, keys.fuzz.ci, report)).id))
    fingerprints.push(templateFingerprint(text('rollup.template')), templateFingerprint(text('slow.template')))
  }
  // a plain service too, so the fleet has an ordinary row beside the hostile ones
  await post(`${url}/api/v1/ingest`, keys.fuzz.ingest, {
    ...sampleBatch({ batchId: 'xss-plain', environment: 'fuzz', items: sampleItems(at, plainText) }),
  })

  const reflected = plan.textFor(6)
  const reflectedScript = plan.textFor(0)
  const paths = [
    '/',
    '/?env=fuzz',
    '/env/fuzz',
    '/env/fuzz/pool',
    '/env/fuzz/queries',
    '/env/fuzz/slow',
    '/env/fuzz/nplusone',
    '/env/fuzz/deploys',
    '/settings',
    ...DETAIL_VARIANTS.flatMap((variant) => [
      `/env/fuzz/queries/${fingerprints[variant * 2]}`,
      `/env/fuzz/queries/${fingerprints[variant * 2 + 1]}`,
      `/env/fuzz/deploys/${deployIds[variant]}`,
    ]),
  ]
  const reflectedPaths = [
    `/env/fuzz/queries?route=${encodeURIComponent(reflectedScript('url.route'))}`,
    `/env/fuzz/queries?from=${encodeURIComponent(reflectedScript('url.from'))}&to=${encodeURIComponent(reflectedScript('url.to'))}`,
    `/env/${encodeURIComponent(reflectedScript('url.env'))}/pool`,
    `/env/fuzz/queries/${encodeURIComponent(reflectedScript('url.fingerprint'))}`,
    `/docs/rules/${encodeURIComponent(reflectedScript('url.rule'))}`,
  ]

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
  const context = await browser.newContext()
  const runs = await watchForScripts(context)
  const page = await context.newPage()
  // sign in through the form, with a `javascript:` URL as the page to go back to
  await page.goto(`${url}/login?next=${encodeURIComponent(reflected('url.next'))}`)
  await page.getByLabel('Admin password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((target) => target.pathname !== '/login')
  const landedOn = new URL(page.url())

  const inspections: PageInspection[] = []
  for (const path of [...paths, ...reflectedPaths]) inspections.push(await inspectPage(page, `${url}${path}`))
  await context.close()

  const fieldsOf = (numbers: Iterable<number>) =>
    new Set([...numbers].map((n) => plan.describe(n)?.field).filter((field) => field !== undefined))
  const shown = new Set(inspections.flatMap((inspection) => inspection.shownAsText))
  const present = new Set(inspections.flatMap((inspection) => inspection.presentAsText))
  const fieldsShown = fieldsOf(shown)
  const fieldsRendered = fieldsOf(present)
  const planted = plan.planted()
  const fields = new Set(planted.map((n) => plan.describe(n)?.field))
  await recordFigures('ingest-xss', {
    payloadVariants: XSS_VARIANTS.length,
    fieldsCarryingPayloads: fields.size,
    payloadsPlanted: planted.length,
    pagesOpened: inspections.length + 1,
    payloadsShownAsText: shown.size,
    payloadsRenderedAsText: present.size,
    fieldsShownAsText: [...fieldsShown].sort(),
    fieldsRenderedAsText: [...fieldsRendered].sort(),
    fieldsNotRenderedOnAnyPage: [...fields].filter((field) => !fieldsRendered.has(field as string)).sort(),
    scriptsRun: runs.calls.length,
    dialogs: runs.dialogs.length,
    injectedElements: inspections.reduce((total, inspection) => total + inspection.injectedElements.length, 0),
    pages: inspections.map(({ path, status, shownAsText }) => ({ path, status, shownAsText: shownAsText.length })),
  })
  await recordOutput('ingest-xss', dashboard.output())

  expect(runs.calls).toEqual([])
  expect(runs.dialogs).toEqual([])
  expect(landedOn.protocol).toBe('http:')
  expect(inspections.filter((inspection) => inspection.injectedElements.length > 0)).toEqual([])
  for (const inspection of inspections.slice(0, paths.length)) {
    expect(inspection.status, inspection.path).toBe(200)
    expect(inspection.shownAsText.length, `payloads shown as text on ${inspection.path}`).toBeGreaterThan(0)
  }
  for (const inspection of inspections.slice(paths.length)) expect(inspection.status).toBeLessThan(500)
  expect([...fieldsRendered]).toEqual(expect.arrayContaining(FIELDS_RENDERED))
}, 600_000)
