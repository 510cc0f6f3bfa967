/**
 * Pool reports: cumulative counters become deltas since the same instance's previous report; a
 * new process start, or a counter going down, is a restart (the delta is then the counter itself);
 * instances of one service are kept apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST } from '../../app/api/v1/ingest/route'
import { closeDatabase } from '../../lib/db'
import { createEnvironment, createKey } from '../../lib/keys'
import { PoolSample } from '../../lib/models'
import { dashboardTestBackends, useFreshStore } from '../support/stores'
import { at, ingestRequest, poolItem, telemetryBatch } from '../support/telemetry'

const START = at(-3_600_000)

async function samples(instance: string) {
  const rows = await PoolSample.objects.filter({ instance }).orderBy('at')
  return rows.map((row) => ({
    checkouts: Number(row.checkouts),
    timeouts: Number(row.timeouts),
    wait_ms: row.wait_ms,
    waits: (row.wait_histogram as number[]).reduce((a, b) => a + Number(b), 0),
    restarted: row.restarted,
  }))
}

describe.each(dashboardTestBackends())('pool deltas on %s', (backend) => {
  let key: string

  beforeAll(async () => {
    await useFreshStore(backend, 'pool_deltas')
    await createEnvironment('production')
    key = (await createKey({ environment: 'production', kind: 'ingest' })).secret
  })
  afterAll(closeDatabase)

  async function send(pid: number, items: ReturnType<typeof poolItem>[]) {
    const response = await POST(ingestRequest(key, telemetryBatch({ host: 'web-1', pid, items })))
    expect(response.status).toBe(202)
  }

  it('turns cumulative counters into deltas, within a batch and across batches', async () => {
    await send(1, [
      poolItem({ at: at(0), startedAt: START, checkouts: 100, timeouts: 1, waitMs: 50, waits: [5, 10, 35] }),
      poolItem({ at: at(10_000), startedAt: START, checkouts: 160, timeouts: 1, waitMs: 80, waits: [5, 10, 35, 30] }),
    ])
    await send(1, [
      poolItem({
        at: at(20_000),
        startedAt: START,
        checkouts: 200,
        timeouts: 3,
        waitMs: 200,
        waits: [5, 10, 35, 30, 120],
      }),
    ])
    expect(await samples('web-1:1')).toEqual([
      { checkouts: 100, timeouts: 1, wait_ms: 50, waits: 3, restarted: false },
      { checkouts: 60, timeouts: 0, wait_ms: 30, waits: 1, restarted: false },
      { checkouts: 40, timeouts: 2, wait_ms: 120, waits: 1, restarted: false },
    ])
  })

  it('detects a restart by a new process start, even with higher counters', async () => {
    await send(2, [poolItem({ at: at(0), startedAt: START, checkouts: 10 })])
    await send(2, [poolItem({ at: at(10_000), startedAt: at(5_000), checkouts: 30 })])
    expect(await samples('web-1:2')).toEqual([
      { checkouts: 10, timeouts: 0, wait_ms: 0, waits: 0, restarted: false },
      { checkouts: 30, timeouts: 0, wait_ms: 0, waits: 0, restarted: true },
    ])
  })

  it('detects a restart by a counter going down with the same process start', async () => {
    await send(3, [poolItem({ at: at(0), startedAt: START, checkouts: 500, timeouts: 4 })])
    await send(3, [poolItem({ at: at(10_000), startedAt: START, checkouts: 20, timeouts: 4 })])
    const [, second] = await samples('web-1:3')
    expect(second).toEqual({ checkouts: 20, timeouts: 4, wait_ms: 0, waits: 0, restarted: true })
  })

  it('keeps aliases and instances apart', async () => {
    await send(4, [
      poolItem({ at: at(0), alias: 'default', checkouts: 10 }),
      poolItem({ at: at(0), alias: 'replica', checkouts: 1000 }),
    ])
    await send(5, [poolItem({ at: at(0), alias: 'default', checkouts: 7 })])
    await send(4, [
      poolItem({ at: at(10_000), alias: 'default', checkouts: 15 }),
      poolItem({ at: at(10_000), alias: 'replica', checkouts: 1001 }),
    ])
    const rows = await PoolSample.objects.filter({ instance: 'web-1:4', at: new Date(at(10_000)) }).orderBy('alias')
    expect(rows.map((row) => [row.alias, Number(row.checkouts), row.restarted])).toEqual([
      ['default', 5, false],
      ['replica', 1, false],
    ])
    expect((await samples('web-1:5'))[0]?.checkouts).toBe(7)
  })
})
