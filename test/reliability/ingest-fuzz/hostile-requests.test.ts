/**
 * Hostile requests to the ingest API of a real dashboard (`next start` of the production build):
 * malformed JSON, wrong values in every field of the shared schemas, huge arrays, deep nesting,
 * oversize bodies and gzip bombs, bad encodings and content types, repeated headers, bad, revoked,
 * misplaced and foreign keys, prototype keys. Each class gets its documented status, nothing is
 * stored, and the server answers its health check after every batch of requests.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { freshPgDatabase } from '../../support/services.js'
import { type DashboardUnderTest, startDashboardUnderTest } from './support/dashboard-under-test.js'
import { fireCases } from './support/fire-cases.js'
import { ENDPOINT_PATH, type HostileCase, hostileCases, seededRandom } from './support/hostile-cases.js'
import { changedTables, countRows } from './support/store-counts.js'
import { plainText, sampleBatch, sampleItems } from './support/valid-payloads.js'

const PASSWORD = 'fuzz-admin-password'
const STORES = pick({ short: ['sqlite'] as const, full: ['sqlite', 'postgresql'] as const })
const ROUNDS = pick({ short: 1, full: 3 })
/** In the short run, the schema cases are sampled down to this many (every other class is sent whole). */
const SHORT_SCHEMA_CASES = 200
/** Tables a batch whose items were all rejected may still grow: its id (replay detection) and its service. */
const BOOKKEEPING_TABLES = ['dashboard_ingestbatch', 'dashboard_service']

const running: DashboardUnderTest[] = []
afterAll(async () => {
  for (const dashboard of running) await dashboard.stop()
})

function casesFor(dashboard: DashboardUnderTest, round: number): HostileCase[] {
  const random = seededRandom(1000 + round)
  const cases = hostileCases({ keys: dashboard.keys, random })
  if (ROUNDS > 1) return cases
  const schema = cases.filter((hostile) => hostile.kind.startsWith('schema: wrong value'))
  const step = Math.max(1, Math.floor(schema.length / SHORT_SCHEMA_CASES))
  const sampled = new Set(schema.filter((_, index) => index % step === 0))
  return cases.filter((hostile) => !hostile.kind.startsWith('schema: wrong value') || sampled.has(hostile))
}

describe('hostile input to POST /api/v1/ingest and /api/v1/deployments', () => {
  for (const store of STORES) {
    test(`every hostile class gets its documented status and nothing is stored (${store} store)`, async () => {
      const dashboard = await startDashboardUnderTest({
        name: `ingest-fuzz-${store}`,
        password: PASSWORD,
        ...(store === 'postgresql' ? { databaseUrl: await freshPgDatabase('ingest_fuzz') } : {}),
      })
      running.push(dashboard)
      const rssAtStartMb = await dashboard.rssMb()
      const before = await countRows(dashboard.store)

      const cases: HostileCase[] = []
      for (let round = 0; round < ROUNDS; round++) cases.push(...casesFor(dashboard, round))
      const tally = await fireCases(dashboard, cases, { concurrency: 4, batchSize: 50 })
      const after = await countRows(dashboard.store)

      // the server still works: a valid batch is stored whole
      const valid = sampleBatch({ batchId: `valid-after-fuzz-${store}`, items: sampleItems(new Date(), plainText) })
      const control = await fetch(`${dashboard.url}${ENDPOINT_PATH.ingest}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dashboard.keys.fuzz.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify(valid),
      })
      const controlBody = (await control.json()) as { accepted: number; rejected: number }

      const changed = changedTables(before, after)
      const unexpected = Object.fromEntries(
        Object.entries(changed).filter(([table]) => !BOOKKEEPING_TABLES.includes(table)),
      )
      const batchIdsKept = (after.dashboard_ingestbatch ?? 0) - (before.dashboard_ingestbatch ?? 0)
      await recordFigures(`ingest-fuzz-${store}`, {
        requests: tally.sent,
        classes: Object.keys(tally.byClass).length,
        byClass: tally.byClass,
        mismatches: tally.mismatches.length,
        healthChecks: tally.healthChecks,
        healthFailures: tally.healthFailures,
        serverExited: !dashboard.alive(),
        rssAtStartMb,
        peakRssMb: tally.peakRssMb,
        rowsStored: Object.fromEntries(Object.entries(unexpected)),
        rejectedItemBatches: tally.rejectedItemBatches,
        batchIdsKept,
        tables: Object.keys(before).length,
      })
      await recordOutput(`ingest-fuzz-${store}`, dashboard.output())

      expect(tally.mismatches).toEqual([])
      expect(tally.sent).toBe(cases.length)
      expect(tally.healthFailures).toBe(0)
      expect(dashboard.alive()).toBe(true)
      expect(Object.keys(before).length).toBeGreaterThanOrEqual(10)
      expect(unexpected).toEqual({})
      // a batch whose items were all rejected keeps only its id (so a retry is recognised)
      expect(batchIdsKept).toBe(tally.rejectedItemBatches)
      expect(control.status).toBe(202)
      expect(controlBody).toMatchObject({ accepted: 6, rejected: 0 })
    }, 900_000)
  }
})
