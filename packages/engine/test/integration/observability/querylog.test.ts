/**
 * contrib/querylog against real databases: what a QueryLog collects (every statement of its async
 * call tree, nested logs, nothing from concurrent blocks, nothing after it finished), the
 * per-template summary of real ORM queries, failed statements, and the JSON / JSON Lines dumps.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  currentQueryLog,
  QueryLog,
  QueryRecord,
  queryLog,
  summarizeRecords,
} from '../../../src/contrib/querylog/index.js'
import { getConnection } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { Author, Book, RELATION_MODELS } from '../../support/relation-models.js'

const VENDOR = { postgres: 'postgresql', sqlite: 'sqlite', libsql: 'libsql' } as const

describe.each(testBackends())('QueryLog on %s', (backend: TestBackend) => {
  const p = (n: number) => (backend === 'postgres' ? `$${n}` : '?')

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'obs_querylog', RELATION_MODELS, { SLOW_QUERY_MS: null })
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(RELATION_MODELS))

  it('records each statement with its SQL, params, vendor, alias, timing and outcome', async () => {
    const { result, log } = await queryLog(() => getConnection().execute(`SELECT ${p(1)} AS v`, [7]))
    expect(result.rows).toHaveLength(1)
    expect(log.count).toBe(1)
    const [record] = log.records
    expect(record).toEqual({
      sql: `SELECT ${p(1)} AS v`,
      params: [7],
      vendor: VENDOR[backend],
      alias: 'default',
      elapsed_ms: record?.elapsed_ms,
      error: null,
    })
    expect(record?.elapsed_ms).toBeGreaterThan(0)
    expect(log.totalMs).toBe(record?.elapsed_ms)
    expect(record?.toDict()).toMatchObject({ sql: `SELECT ${p(1)} AS v`, params: [7], error: null })
    expect(log.finished).toBe(true)
  })

  it('groups real ORM queries by template: six lookups of one shape and one UPDATE', async () => {
    const ann = await Author.objects.create({ name: 'Ann' })
    const ids: unknown[] = []
    for (const title of ['a', 'b', 'c', 'd', 'e', 'f']) ids.push((await Book.objects.create({ title, author: ann })).pk)
    const log = new QueryLog()
    await log.run(async () => {
      for (const id of ids) await Book.objects.get({ pk: id as number })
      await Book.objects.filter({ title: 'a' }).update({ pages: 3 })
    })
    const summary = log.summary()
    expect(summary.map((s) => s.count).sort()).toEqual([1, 6])
    const select = summary.find((s) => s.count === 6)
    const update = summary.find((s) => s.count === 1)
    expect(select?.template).toMatch(/^SELECT .* FROM "rel_book" WHERE .*"id" = \? .*LIMIT/)
    expect(select?.template).not.toMatch(/\$\d/)
    expect(update?.template).toMatch(/^UPDATE "rel_book" SET "pages" = \? WHERE .*"title" = \?$/)
    // sorted by total time, descending; p50 and p95 are durations that really occurred
    expect(summary[0]?.total_ms).toBeGreaterThanOrEqual(summary[1]?.total_ms ?? 0)
    const selectDurations = log.records.filter((r) => r.sql.startsWith('SELECT')).map((r) => r.elapsed_ms)
    expect(selectDurations).toContain(select?.p50_ms)
    expect(selectDurations).toContain(select?.p95_ms)
    expect(select?.total_ms).toBeCloseTo(
      selectDurations.reduce((a, b) => a + b),
      9,
    )
    // the same records through the pure summary function give the same result
    expect(summarizeRecords(log.records).map((s) => s.toDict())).toEqual(summary.map((s) => s.toDict()))
  })

  it('reproduces the worked example from real statements with the example timings', async () => {
    const connection = getConnection()
    await connection.execute('DROP TABLE IF EXISTS obs_t')
    await connection.execute('CREATE TABLE obs_t (id integer PRIMARY KEY, a integer)')
    await connection.execute('INSERT INTO obs_t (id, a) VALUES (1, 0)')
    const { log } = await queryLog(async () => {
      for (let id = 1; id <= 6; id++) await connection.execute(`SELECT * FROM obs_t WHERE id = ${p(1)}`, [id])
      await connection.execute(`UPDATE obs_t SET a = ${p(1)}`, [1])
    })
    expect(log.count).toBe(7)
    // the database decides the real timings; give the real statements the example's durations
    const timings = [1, 2, 3, 4, 10, 50, 7]
    const timed = log.records.map((r, i) => new QueryRecord({ ...r, elapsed_ms: timings[i] as number }))
    expect(summarizeRecords(timed).map((s) => s.toDict())).toEqual([
      { template: 'SELECT * FROM obs_t WHERE id = ?', count: 6, total_ms: 70, p50_ms: 4, p95_ms: 50 },
      { template: 'UPDATE obs_t SET a = ?', count: 1, total_ms: 7, p50_ms: 7, p95_ms: 7 },
    ])
    expect(
      log
        .summary()
        .map((s) => [s.template, s.count])
        .sort(),
    ).toEqual([
      ['SELECT * FROM obs_t WHERE id = ?', 6],
      ['UPDATE obs_t SET a = ?', 1],
    ])
    await connection.execute('DROP TABLE obs_t')
  })

  it('gives IN-lists of any length one template', async () => {
    const ann = await Author.objects.create({ name: 'Ann' })
    const { log } = await queryLog(async () => {
      await Book.objects.filter({ title__in: ['a'] })
      await Book.objects.filter({ title__in: ['a', 'b', 'c'] })
      await Book.objects.filter({ author__in: [ann.pk as number, ann.pk as number] })
    })
    const templates = log.summary().map((s) => s.template)
    expect(templates).toHaveLength(2)
    // PostgreSQL binds the list as one array; SQLite spells each element out, collapsed here
    const list = backend === 'postgres' ? '= ANY(?)' : 'IN (?...)'
    expect(log.summary().find((s) => s.count === 2)?.template).toContain(`WHERE "rel_book"."title" ${list} ORDER BY`)
  })

  it('records failed statements with "Class: message"', async () => {
    const { log } = await queryLog(() =>
      getConnection()
        .execute('SELECT * FROM no_such_table_querylog')
        .catch(() => null),
    )
    expect(log.count).toBe(1)
    expect(log.records[0]?.error?.name).toBe('ProgrammingError')
    expect(log.records[0]?.toDict().error).toMatch(/^ProgrammingError: .*no_such_table_querylog/)
  })

  it('gives nested logs the inner statements and the outer log everything', async () => {
    const outer = new QueryLog()
    const inner = new QueryLog()
    await outer.run(async () => {
      await getConnection().execute('SELECT 1 AS before_inner')
      await inner.run(async () => {
        expect(currentQueryLog()).toBe(inner)
        await getConnection().execute('SELECT 2 AS inside_inner')
      })
      expect(currentQueryLog()).toBe(outer)
      await getConnection().execute('SELECT 3 AS after_inner')
    })
    expect(outer.records.map((r) => r.sql)).toEqual([
      'SELECT 1 AS before_inner',
      'SELECT 2 AS inside_inner',
      'SELECT 3 AS after_inner',
    ])
    expect(inner.records.map((r) => r.sql)).toEqual(['SELECT 2 AS inside_inner'])
    expect(currentQueryLog()).toBeUndefined()
  })

  it('keeps concurrent blocks apart, statement for statement', async () => {
    const worker = async (name: string) => {
      const { log } = await queryLog(async () => {
        for (let i = 0; i < 4; i++) {
          await getConnection().execute(`SELECT ${i} AS ${name}_${i}`)
          await nextTurn()
        }
      })
      return log
    }
    const [a, b] = await Promise.all([worker('a'), worker('b')])
    expect(a?.records.map((r) => r.sql)).toEqual([0, 1, 2, 3].map((i) => `SELECT ${i} AS a_${i}`))
    expect(b?.records.map((r) => r.sql)).toEqual([0, 1, 2, 3].map((i) => `SELECT ${i} AS b_${i}`))
  })

  it('stops collecting when the block ends, even for work the block left running', async () => {
    let leftBehind: Promise<unknown> = Promise.resolve()
    const log = new QueryLog()
    await log.run(async () => {
      await getConnection().execute('SELECT 1 AS inside')
      // fire-and-forget: starts after the block returned, in the block's async context
      leftBehind = nextTurn().then(() => getConnection().execute('SELECT 2 AS left_behind'))
    })
    await leftBehind
    await getConnection().execute('SELECT 3 AS outside')
    expect(log.records.map((r) => r.sql)).toEqual(['SELECT 1 AS inside'])
    await expect(log.run(() => null)).rejects.toThrow(/has finished: a log runs once/)
  })

  it('dumps JSON and JSON Lines, params only when asked', async () => {
    const { log } = await queryLog(async () => {
      await getConnection().execute(`SELECT ${p(1)} AS v`, [1])
      await getConnection().execute(`SELECT ${p(1)} AS v`, [2])
    })
    const dir = await mkdtemp(join(tmpdir(), 'querylog-'))
    try {
      const text = await log.dumpJson(join(dir, 'log.json'))
      expect(await readFile(join(dir, 'log.json'), 'utf8')).toBe(text)
      const rows = JSON.parse(text) as Record<string, unknown>[]
      expect(rows).toHaveLength(2)
      expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['alias', 'elapsed_ms', 'error', 'sql', 'template', 'vendor'])
      expect(rows[0]).toMatchObject({ sql: `SELECT ${p(1)} AS v`, template: 'SELECT ? AS v', alias: 'default' })
      await log.dumpJsonl(join(dir, 'log.jsonl'), { includeParams: true })
      const lines = (await readFile(join(dir, 'log.jsonl'), 'utf8')).split('\n')
      expect(lines.at(-1)).toBe('')
      expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { params: unknown[] }).params)).toEqual([[1], [2]])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
