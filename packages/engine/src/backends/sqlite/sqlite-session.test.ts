import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InterfaceError, ProgrammingError } from '../../errors.js'
import type { Row } from '../base/base-connection.js'
import { InvalidParameterError, mapSqliteError } from './sqlite-errors.js'
import { toSqliteParams } from './sqlite-params.js'
import { MAX_CACHED_STATEMENT_PARAMS, SqliteSession } from './sqlite-session.js'

const dir = fs.mkdtempSync(`${os.tmpdir()}/dorm-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let db: Database.Database
let session: SqliteSession
let counter = 0

beforeEach(() => {
  db = new Database(path.join(dir, `session-${++counter}.db`))
  db.pragma('journal_mode = WAL')
  session = new SqliteSession(db)
})
afterEach(() => session.close())

async function collect(iterable: AsyncIterable<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const chunk of iterable) rows.push(...chunk)
  return rows
}

describe('SqliteSession.query', () => {
  it('creates, inserts with params and selects', async () => {
    await session.query('CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL, pages INTEGER)', [])
    const first = await session.query('INSERT INTO book (title, pages) VALUES (?, ?)', ['Dune', 412])
    expect(first).toEqual({ rows: [], rowCount: 1, lastInsertRowid: 1 })
    const second = await session.query('INSERT INTO book (title, pages) VALUES (?, ?)', ['Emma', null])
    expect(second.lastInsertRowid).toBe(2)

    const read = await session.query('SELECT id, title, pages FROM book WHERE id >= ? ORDER BY id', [1])
    expect(read).toEqual({
      rows: [
        { id: 1, title: 'Dune', pages: 412 },
        { id: 2, title: 'Emma', pages: null },
      ],
      rowCount: 2,
    })
  })

  it('reports rows changed for writes and rows returned for RETURNING', async () => {
    await session.query('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)', [])
    for (let i = 0; i < 5; i++) await session.query('INSERT INTO t (n) VALUES (?)', [i])
    const updated = await session.query('UPDATE t SET n = n + 1 WHERE n >= ?', [2])
    expect(updated.rowCount).toBe(3)
    expect(updated.rows).toEqual([])
    const returning = await session.query('INSERT INTO t (n) VALUES (?), (?) RETURNING id, n', [10, 11])
    expect(returning).toEqual({
      rows: [
        { id: 6, n: 10 },
        { id: 7, n: 11 },
      ],
      rowCount: 2,
    })
    const deleted = await session.query('DELETE FROM t WHERE n > ?', [100])
    expect(deleted.rowCount).toBe(0)
  })

  it('binds booleans as 1/0, Dates as ISO text and typed arrays as blobs', async () => {
    const when = new Date('2024-05-06T07:08:09.010Z')
    const { rows } = await session.query('SELECT ? AS yes, ? AS no, ? AS at, ? AS bytes', [
      true,
      false,
      when,
      new Uint8Array([1, 2, 3]),
    ])
    expect(rows[0]).toEqual({ yes: 1, no: 0, at: '2024-05-06T07:08:09.010Z', bytes: Buffer.from([1, 2, 3]) })
  })

  it('refuses undefined params with a message that says to pass null', async () => {
    const err = await session.query('SELECT ?, ?', [1, undefined]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidParameterError)
    const mapped = mapSqliteError(err, { sql: 'SELECT ?, ?', params: [1, '***'] })
    expect(mapped).toBeInstanceOf(ProgrammingError)
    expect(mapped.message).toMatch(/Parameter 2 is undefined\. Pass null/)
    // the pipeline's (redacted) params are kept, not the raw ones
    expect((mapped as ProgrammingError).params).toEqual([1, '***'])
  })

  it('keeps a bounded LRU of prepared statements', async () => {
    const small = new SqliteSession(new Database(':memory:'), { statementCacheSize: 2 })
    await small.query('SELECT 1', [])
    await small.query('SELECT 2', [])
    await small.query('SELECT 1', [])
    await small.query('SELECT 3', [])
    expect(small.cachedStatements).toBe(2)
    small.close()
  })

  it('runs but does not cache statements with more params than MAX_CACHED_STATEMENT_PARAMS (bulk inserts)', async () => {
    const session = new SqliteSession(new Database(':memory:'))
    await session.query('CREATE TABLE t (a INTEGER, b TEXT)', [])
    const insert = (rows: number) => {
      const sql = `INSERT INTO t (a, b) VALUES ${Array.from({ length: rows }, () => '(?, ?)').join(', ')}`
      return session.query(sql, Array.from({ length: rows }, (_, i) => [i, `r${i}`]).flat())
    }
    const before = session.cachedStatements
    // every batch size is its own SQL text: none of the large ones stays
    for (let rows = MAX_CACHED_STATEMENT_PARAMS / 2 + 1; rows <= MAX_CACHED_STATEMENT_PARAMS / 2 + 40; rows++) {
      expect((await insert(rows)).rowCount).toBe(rows)
    }
    expect(session.cachedStatements).toBe(before)
    // a small one is cached as before
    await insert(MAX_CACHED_STATEMENT_PARAMS / 2)
    expect(session.cachedStatements).toBe(before + 1)
    expect((await session.query('SELECT COUNT(*) AS n FROM t', [])).rows).toEqual([{ n: 2870 }])
    session.close()
  })
})

describe('toSqliteParams', () => {
  it('returns the same array when nothing needs converting', () => {
    const params = [1, 'a', null, 2n, Buffer.from('x')]
    expect(toSqliteParams(params)).toBe(params)
  })
})

describe('SqliteSession.stream', () => {
  async function fill(n: number): Promise<void> {
    await session.query('CREATE TABLE big (id INTEGER PRIMARY KEY)', [])
    await session.query(
      'WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < ?) INSERT INTO big SELECT x FROM seq',
      [n],
    )
  }

  it('yields every row, in chunks of chunkSize', async () => {
    await fill(10_000)
    const sizes: number[] = []
    for await (const chunk of session.streamChunks('SELECT id FROM big ORDER BY id', [], 3000)) sizes.push(chunk.length)
    expect(sizes).toEqual([3000, 3000, 3000, 1000])
    const rows = await collect(session.streamChunks('SELECT id FROM big ORDER BY id', [], 1000))
    expect(rows).toHaveLength(10_000)
    expect(rows[9999]).toEqual({ id: 10_000 })
  })

  it('is lazy: stopping after the first chunk of 10000 rows makes SQLite produce one chunk', async () => {
    await fill(10_000)
    let produced = 0
    // SQLite calls the function once per row it actually steps to
    db.function('produced', (id: number) => {
      produced++
      return id
    })
    const seen: Row[] = []
    // no ORDER BY on the computed column: sorting would make SQLite evaluate every row up front
    for await (const chunk of session.streamChunks('SELECT produced(id) AS id FROM big', [], 3)) {
      seen.push(...chunk)
      break
    }
    expect(seen).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
    expect(produced).toBe(3)
    // breaking out closed the iterator: the connection takes writes again
    await expect(session.query('INSERT INTO big (id) VALUES (?)', [20_000])).resolves.toMatchObject({ rowCount: 1 })
  })

  it('binds params and starts only when iterated', async () => {
    await fill(10)
    const stream = session.streamChunks('SELECT id FROM missing_table', [], 10)
    // nothing ran yet: the error comes with the first row
    const iterator = stream[Symbol.asyncIterator]()
    await expect(iterator.next()).rejects.toThrow(/no such table/)
    expect(await collect(session.streamChunks('SELECT id FROM big WHERE id > ? ORDER BY id', [7], 2))).toEqual([
      { id: 8 },
      { id: 9 },
      { id: 10 },
    ])
  })

  it('refuses statements that return no rows', async () => {
    await fill(1)
    const err = await collect(session.streamChunks('DELETE FROM big', [], 10)).catch((e: unknown) => e)
    expect(mapSqliteError(err)).toBeInstanceOf(ProgrammingError)
    expect(await session.query('SELECT count(*) AS n FROM big', [])).toMatchObject({ rows: [{ n: 1 }] })
  })

  it('a stream cut short by close() fails instead of looking complete', async () => {
    await fill(100)
    const iterator = session.streamChunks('SELECT id FROM big', [], 10)[Symbol.asyncIterator]()
    await iterator.next()
    session.close()
    const err = await iterator.next().catch((e: unknown) => e)
    expect(mapSqliteError(err)).toBeInstanceOf(InterfaceError)
  })

  it('reset() ends open streams and rolls back an open transaction', async () => {
    await fill(100)
    await session.query('BEGIN', [])
    await session.query('DELETE FROM big WHERE id < ?', [50])
    const iterator = session.streamChunks('SELECT id FROM big', [], 10)[Symbol.asyncIterator]()
    await iterator.next()
    // SQLite takes no other statement (not even COMMIT) while a stream is open on the connection
    const busy = await session.query('COMMIT', []).catch((e: unknown) => e)
    expect(mapSqliteError(busy)).toBeInstanceOf(ProgrammingError)
    expect(session.inTransaction).toBe(true)
    expect(session.reset()).toEqual({ endedStreams: 1, rolledBack: true })
    expect(session.inTransaction).toBe(false)
    expect(await session.query('SELECT count(*) AS n FROM big', [])).toMatchObject({ rows: [{ n: 100 }] })
    await expect(iterator.next()).rejects.toThrow(/released before it finished/)
  })
})
