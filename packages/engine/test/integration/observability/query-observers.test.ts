import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  addQueryObserver,
  closeAll,
  configure,
  getConnection,
  onDormEvent,
  ProgrammingError,
  type QueryEnd,
  resetDormEventListeners,
  resetSettings,
  type StampedDormEvent,
} from '../../../src/index.js'
import { databaseUrlFor, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'

describe.each(testBackends())('query observers and events on %s', (backend) => {
  const p = (n: number) => (backend === 'postgres' ? `$${n}` : '?')

  beforeEach(() => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'observers') }, SLOW_QUERY_MS: null })
  })

  afterEach(async () => {
    resetDormEventListeners()
    await closeAll()
    resetSettings()
  })

  it('pairs the start and end of each statement, even when statements overlap', async () => {
    const ends: Array<{ state: string; query: QueryEnd }> = []
    let n = 0
    const remove = addQueryObserver({
      start: (q) => `${++n}:${q.params[0]}`,
      end: (state, query) => ends.push({ state, query }),
    })
    try {
      const connection = getConnection()
      await Promise.all([1, 2, 3].map((v) => connection.execute(`SELECT ${p(1)} AS v`, [v])))
      await connection.execute('SELECT * FROM no_such_table_observed').catch(() => undefined)
    } finally {
      remove()
    }
    expect(ends).toHaveLength(4)
    for (const { state, query } of ends.slice(0, 3)) {
      expect(state.split(':')[1]).toBe(String(query.params[0]))
      expect(query).toMatchObject({ alias: 'default', error: null, rowCount: 1 })
      expect(query.elapsed_ms).toBeGreaterThan(0)
    }
    expect(ends[3]?.query.error).toBeInstanceOf(ProgrammingError)
    expect(ends[3]?.query.rowCount).toBeNull()
    await getConnection().execute('SELECT 1')
    expect(ends).toHaveLength(4)
  })

  it('counts streamed rows and reports the stream when it ends', async () => {
    const ends: QueryEnd[] = []
    const remove = addQueryObserver({ start: () => null, end: (_s, q) => ends.push(q) })
    const sql =
      backend === 'postgres'
        ? 'SELECT g FROM generate_series(1, 25) AS g'
        : 'WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 25) SELECT n FROM g'
    try {
      let seen = 0
      for await (const _row of getConnection().executeStreaming(sql, [], { chunkSize: 10 })) seen++
      expect(seen).toBe(25)
    } finally {
      remove()
    }
    expect(ends.map((q) => q.rowCount)).toEqual([25])
  })

  it('an observer that throws is logged and never breaks the query', async () => {
    const logs = captureLogs()
    const remove = addQueryObserver({
      start: () => {
        throw new Error('observer start broke')
      },
      end: () => {
        throw new Error('observer end broke')
      },
    })
    try {
      const { rows } = await getConnection().execute('SELECT 7 AS v')
      expect(rows[0]?.v).toBe(7)
    } finally {
      remove()
      logs.stop()
    }
    const messages = logs.records.filter((r) => r.logger === 'dorm.observers').map((r) => r.message)
    expect(messages).toEqual([
      'query observer start raised: observer start broke',
      'query observer end raised: observer end broke',
    ])
  })

  it('emits slow_query events with the threshold', async () => {
    configure({ SLOW_QUERY_MS: 0 })
    const events: StampedDormEvent[] = []
    onDormEvent((e) => events.push(e))
    const logs = captureLogs()
    try {
      await getConnection().execute('SELECT 1 AS one')
    } finally {
      logs.stop()
    }
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'slow_query', alias: 'default', sql: 'SELECT 1 AS one', threshold_ms: 0 })
    expect(typeof events[0]?.time).toBe('number')
  })
})
