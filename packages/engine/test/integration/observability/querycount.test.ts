/**
 * contrib/querycount against real databases: the guard's one WARNING on `dorm.querycount` (with and
 * without a label, QUERY_COUNT_WARN as the fallback, null as "never"), cumulative nested guards,
 * concurrent guards that never count each other's statements, and assertNumQueries /
 * assertMaxQueries with the captured SQL in the message.
 */
import { AssertionError } from 'node:assert'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  assertMaxQueries,
  assertNumQueries,
  countQueries,
  queryCountGuard,
} from '../../../src/contrib/querycount/index.js'
import { configure, getConnection } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { setupOrmDatabase, teardownOrm } from '../../support/orm.js'

async function run(n: number, tag = 'q'): Promise<void> {
  for (let i = 0; i < n; i++) await getConnection().execute(`SELECT ${i} AS ${tag}_${i}`)
}

describe.each(testBackends())('query counts on %s', (backend: TestBackend) => {
  let logs: ReturnType<typeof captureLogs>
  const warnings = () => logs.records.filter((r) => r.logger === 'dorm.querycount').map((r) => [r.level, r.message])

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'obs_querycount', [], { SLOW_QUERY_MS: null })
  })
  afterAll(teardownOrm)
  beforeEach(() => {
    logs = captureLogs()
    configure({ QUERY_COUNT_WARN: undefined })
  })
  afterEach(() => logs.stop())

  it('logs exactly one WARNING with the label when the block ran more than warnAbove statements', async () => {
    const result = await queryCountGuard({ warnAbove: 2, label: 'GET /articles' }, async () => {
      await run(3)
      return 'rendered'
    })
    expect(result).toBe('rendered')
    expect(warnings()).toEqual([['WARNING', 'query count exceeded threshold [GET /articles]: 3 > 2']])
    expect(logs.records.find((r) => r.logger === 'dorm.querycount')?.data).toEqual({
      label: 'GET /articles',
      count: 3,
      threshold: 2,
    })
  })

  it('leaves the label part out without a label, and stays quiet at the threshold', async () => {
    await queryCountGuard({ warnAbove: 2 }, () => run(2))
    expect(warnings()).toEqual([])
    await queryCountGuard({ warnAbove: 2 }, () => run(3))
    expect(warnings()).toEqual([['WARNING', 'query count exceeded threshold: 3 > 2']])
  })

  it('falls back to QUERY_COUNT_WARN; unset or null never warns but still counts', async () => {
    const counts: number[] = []
    await queryCountGuard({ onCount: (n) => counts.push(n) }, () => run(3))
    configure({ QUERY_COUNT_WARN: null })
    await queryCountGuard({ onCount: (n) => counts.push(n) }, () => run(3))
    expect(warnings()).toEqual([])
    configure({ QUERY_COUNT_WARN: 1 })
    await queryCountGuard({ label: 'job' }, () => run(2))
    expect(warnings()).toEqual([['WARNING', 'query count exceeded threshold [job]: 2 > 1']])
    await queryCountGuard({ warnAbove: null, onCount: (n) => counts.push(n) }, () => run(4))
    expect(warnings()).toHaveLength(1)
    expect(counts).toEqual([3, 3, 4])
  })

  it('counts nested guards cumulatively and checks each one against its own threshold', async () => {
    const counts: Record<string, number> = {}
    await queryCountGuard({ warnAbove: 4, label: 'outer', onCount: (n) => (counts.outer = n) }, async () => {
      await run(2, 'a')
      await queryCountGuard({ warnAbove: 2, label: 'inner', onCount: (n) => (counts.inner = n) }, () => run(3, 'b'))
    })
    expect(counts).toEqual({ inner: 3, outer: 5 })
    expect(warnings()).toEqual([
      ['WARNING', 'query count exceeded threshold [inner]: 3 > 2'],
      ['WARNING', 'query count exceeded threshold [outer]: 5 > 4'],
    ])
  })

  it('never counts statements of a concurrent block', async () => {
    const block = (n: number, tag: string) =>
      countQueries(async () => {
        for (let i = 0; i < n; i++) {
          await getConnection().execute(`SELECT ${i} AS ${tag}_${i}`)
          await nextTurn()
        }
      })
    const [a, b] = await Promise.all([block(2, 'a'), block(5, 'b')])
    expect([a.count, b.count]).toEqual([2, 5])
    expect(a.sql).toEqual(['SELECT 0 AS a_0', 'SELECT 1 AS a_1'])
  })

  it('warns even when the block throws, and the error propagates', async () => {
    await expect(
      queryCountGuard({ warnAbove: 1, label: 'failing' }, async () => {
        await run(2)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(warnings()).toEqual([['WARNING', 'query count exceeded threshold [failing]: 2 > 1']])
  })

  it('refuses a warnAbove that is not an integer >= 0', async () => {
    await expect(queryCountGuard({ warnAbove: -1 }, () => run(1))).rejects.toThrow(
      'queryCountGuard(): warnAbove must be an integer >= 0 or null, got -1.',
    )
  })

  describe('assertNumQueries / assertMaxQueries', () => {
    it('pass through the result when the count matches', async () => {
      const rendered = (n: number) => async () => {
        await run(n)
        return 'ok'
      }
      expect(await assertNumQueries(2, rendered(2))).toBe('ok')
      expect(await assertMaxQueries(2, rendered(1))).toBe('ok')
      expect(await assertNumQueries(0, () => 'no queries')).toBe('no queries')
    })

    it('fail with the expected and actual counts and the captured SQL', async () => {
      const error = await assertNumQueries(1, () => run(2)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AssertionError)
      expect((error as AssertionError).message).toBe(
        'expected 1 query(ies), got 2\nCaptured queries were:\n1. SELECT 0 AS q_0\n2. SELECT 1 AS q_1',
      )
      await expect(assertMaxQueries(2, () => run(3))).rejects.toThrow(/^expected at most 2 query\(ies\), got 3\n/)
      await expect(assertNumQueries(3, () => run(1))).rejects.toThrow(/^expected 3 query\(ies\), got 1\n/)
    })

    it('refuse a negative expected count', async () => {
      await expect(assertNumQueries(-1, () => null)).rejects.toThrow(
        'assertNumQueries(): the expected count must be an integer >= 0, got -1.',
      )
    })
  })
})
