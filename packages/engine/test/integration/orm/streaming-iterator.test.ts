/**
 * QuerySet.iterator({ chunkSize }): 100k rows streamed through a server-side cursor on PostgreSQL
 * with flat memory, the same iterator on SQLite/libsql, inside atomic() (pages on the transaction's
 * connection), with slicing, values modes and an early break.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { atomic, getConnection } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Row } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm } from '../../support/orm.js'

const TOTAL = 100_000
const PAYLOAD = 'x'.repeat(100)

/** A full garbage collection: the flag is switched on at run time, so vitest needs no --expose-gc. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') return exposed
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

const FILL = {
  postgres: `INSERT INTO "conf_row" ("n", "grp", "payload")
    SELECT g, g % 7, '${PAYLOAD}' || g FROM generate_series(1, ${TOTAL}) AS g`,
  sqlite: `WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${TOTAL})
    INSERT INTO "conf_row" ("n", "grp", "payload") SELECT g, g % 7, '${PAYLOAD}' || g FROM s`,
}

describe.each(testBackends())('iterator() on %s', (backend: TestBackend) => {
  const pg = backend === 'postgres'

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'conf_stream', CONF_MODELS)
    await getConnection().execute(pg ? FILL.postgres : FILL.sqlite)
  }, 120_000)
  afterAll(teardownOrm)

  it(`streams all ${TOTAL} rows as instances, in order`, async () => {
    let count = 0
    let sum = 0
    let previous = 0
    let ordered = true
    for await (const row of Row.objects.orderBy('n').iterator({ chunkSize: 1000 })) {
      count++
      sum += row.n
      if (row.n <= previous) ordered = false
      previous = row.n
      if (count === 1) {
        expect(row).toBeInstanceOf(Row)
        expect(row.payload).toBe(`${PAYLOAD}1`)
      }
    }
    expect(count).toBe(TOTAL)
    expect(sum).toBe((TOTAL * (TOTAL + 1)) / 2)
    expect(ordered).toBe(true)
    expect(getConnection().poolStats().in_use).toBe(0)
  }, 60_000)

  it.runIf(pg)(
    'keeps memory flat on PostgreSQL: the heap never holds more than a few chunks',
    async () => {
      const gc = collector()
      // what the whole result costs when loaded at once (a quarter of it, times four)
      gc()
      const beforeLoad = process.memoryUsage().heapUsed
      const quarter = await Row.objects.filter({ n__lte: TOTAL / 4 })
      gc()
      const fullResult = (process.memoryUsage().heapUsed - beforeLoad) * 4
      expect(quarter).toHaveLength(TOTAL / 4)
      quarter.length = 0
      gc()
      const base = process.memoryUsage().heapUsed
      let peak = 0
      let count = 0
      for await (const row of Row.objects.orderBy('n').iterator({ chunkSize: 1000 })) {
        count++
        if (row.n % 5000 === 0) {
          gc()
          peak = Math.max(peak, process.memoryUsage().heapUsed - base)
        }
      }
      expect(count).toBe(TOTAL)
      // about 20 MB for the 100k instances: large enough for the comparison to mean something
      expect(fullResult).toBeGreaterThan(12 * 1024 * 1024)
      // a handful of 1000-row chunks at most, far below the whole result
      expect(peak).toBeLessThan(fullResult / 10)
    },
    60_000,
  )

  it('reads pages on the transaction connection inside atomic(), whatever the ordering ties', async () => {
    await atomic(async () => {
      let count = 0
      let sum = 0
      for await (const row of Row.objects.orderBy('n').iterator({ chunkSize: 20_000 })) {
        count++
        sum += row.n
      }
      expect(count).toBe(TOTAL)
      expect(sum).toBe((TOTAL * (TOTAL + 1)) / 2)
      // grp has 7 values: ordering by it alone leaves ties, and pages must neither repeat nor skip rows
      const seen = new Set<number>()
      let rows = 0
      let lastGrp = -1
      let sortedByGrp = true
      for await (const row of Row.objects.filter({ n__lte: 6000 }).orderBy('grp').iterator({ chunkSize: 500 })) {
        rows++
        seen.add(row.n)
        if (row.grp < lastGrp) sortedByGrp = false
        lastGrp = row.grp
      }
      expect(rows).toBe(6000)
      expect(seen.size).toBe(6000)
      expect(sortedByGrp).toBe(true)
    })
  }, 60_000)

  it('honours offset / limit and values modes, in and out of atomic()', async () => {
    const sliced = Row.objects.orderBy('n').offset(10).limit(2500)
    const collect = async () => {
      const ns: number[] = []
      for await (const row of sliced.iterator({ chunkSize: 1000 })) ns.push(row.n)
      return ns
    }
    const expected = Array.from({ length: 2500 }, (_, i) => i + 11)
    expect(await collect()).toEqual(expected)
    expect(await atomic(collect)).toEqual(expected)
    const flat: number[] = []
    for await (const n of Row.objects.filter({ n__lte: 3000 }).orderBy('-n').valuesList('n', { flat: true }).iterator({
      chunkSize: 700,
    })) {
      flat.push(n as number)
    }
    expect(flat).toHaveLength(3000)
    expect(flat[0]).toBe(3000)
    expect(flat.at(-1)).toBe(1)
    const values: Array<{ n: number; grp: number }> = []
    for await (const row of Row.objects
      .filter({ n__in: [7, 8] })
      .orderBy('n')
      .values('n', 'grp')
      .iterator()) {
      values.push(row as { n: number; grp: number })
    }
    expect(values).toEqual([
      { n: 7, grp: 0 },
      { n: 8, grp: 1 },
    ])
  })

  it('gives the connection back when the loop breaks early', async () => {
    const seen: number[] = []
    for await (const row of Row.objects.orderBy('n').iterator({ chunkSize: 100 })) {
      seen.push(row.n)
      if (seen.length === 250) break
    }
    expect(seen.at(-1)).toBe(250)
    expect(getConnection().poolStats().in_use).toBe(0)
    expect(await Row.objects.filter({ n: 250 }).count()).toBe(1)
  })

  it('none() and empty results yield nothing', async () => {
    const rows: unknown[] = []
    for await (const row of Row.objects.none().iterator()) rows.push(row)
    for await (const row of Row.objects.filter({ n__gt: TOTAL }).iterator()) rows.push(row)
    expect(rows).toEqual([])
  })
})
