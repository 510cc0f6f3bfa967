/**
 * Floods past a key's rate: once its bucket is empty, every request with that key gets 429 with
 * `Retry-After`, even a valid batch, and nothing is stored; another key keeps its own bucket.
 */
import { afterAll, expect, test } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { type DashboardUnderTest, startDashboardUnderTest } from './support/dashboard-under-test.js'
import { ENDPOINT_PATH, type Endpoint } from './support/hostile-cases.js'
import { sendRaw } from './support/raw-http.js'
import { changedTables, countRows } from './support/store-counts.js'
import { plainText, sampleBatch, sampleDeployReport, sampleItems } from './support/valid-payloads.js'

const FLOOD = pick({ short: 40, full: 400 })

let dashboard: DashboardUnderTest | undefined
afterAll(async () => {
  await dashboard?.stop()
})

function validBody(endpoint: Endpoint, index: number): Buffer {
  const body =
    endpoint === 'ingest'
      ? sampleBatch({ batchId: `flood-${index}`, environment: 'fuzz', items: sampleItems(new Date(), plainText) })
      : sampleDeployReport({ environment: 'fuzz', runId: index, text: plainText })
  return Buffer.from(JSON.stringify(body))
}

test('a key past its rate gets 429 with Retry-After for every request, valid ones included, and nothing is stored', async () => {
  // one token, refilled every 100 s: the first request takes it, the flood finds the bucket empty
  dashboard = await startDashboardUnderTest({
    name: 'ingest-rate-limit',
    password: 'rate-admin-password',
    env: { DASHBOARD_RATE_LIMIT_PER_S: '0.01', DASHBOARD_RATE_LIMIT_BURST: '1' },
  })
  const statuses: Record<string, Record<string, number>> = {}
  const retryAfter = new Set<string>()
  const send = async (endpoint: Endpoint, secret: string, body: Buffer) => {
    const answer = await sendRaw(`${dashboard?.url}${ENDPOINT_PATH[endpoint]}`, {
      headers: [
        ['authorization', `Bearer ${secret}`],
        ['content-type', 'application/json'],
      ],
      body,
    })
    const tally = statuses[endpoint] ?? {}
    statuses[endpoint] = tally
    tally[answer.status] = (tally[answer.status] ?? 0) + 1
    if (answer.status === 429) retryAfter.add(answer.headers['retry-after'] ?? '')
    return answer
  }
  const keys = dashboard.keys
  // the token is spent on a malformed body: 400, nothing stored
  expect((await send('ingest', keys.fuzz.ingest, Buffer.from('{'))).status).toBe(400)
  expect((await send('deployments', keys.fuzz.ci, Buffer.from('{'))).status).toBe(400)
  const before = await countRows(dashboard.store)
  const flood: number[] = []
  for (let index = 0; index < FLOOD; index++) {
    const endpoint: Endpoint = index % 2 === 0 ? 'ingest' : 'deployments'
    const secret = endpoint === 'ingest' ? keys.fuzz.ingest : keys.fuzz.ci
    flood.push((await send(endpoint, secret, validBody(endpoint, index))).status)
  }
  const after = await countRows(dashboard.store)
  // another key has its own bucket: its first request is served
  const otherKey = await send('ingest', keys.other.ingest, Buffer.from('{'))
  const health = await fetch(`${dashboard.url}/api/v1/health`)

  await recordFigures('ingest-rate-limit', {
    flood: FLOOD,
    statuses,
    retryAfterSeconds: [...retryAfter],
    rowsStored: changedTables(before, after),
  })
  await recordOutput('ingest-rate-limit', dashboard.output())
  expect(flood.filter((status) => status !== 429)).toEqual([])
  // one token per 100 s: the wait left, in whole seconds (99 once a second of the flood has passed)
  for (const seconds of retryAfter)
    expect(Number(seconds)).toSatisfy((n: number) => Number.isInteger(n) && n >= 1 && n <= 100)
  expect(changedTables(before, after)).toEqual({})
  expect(otherKey.status).toBe(400)
  expect(health.status).toBe(200)
})
