import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Row } from '../base/base-connection.js'
import { LibsqlSession } from './libsql-session.js'

const dir = fs.mkdtempSync(`${os.tmpdir()}/dorm-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let file: string
let session: LibsqlSession
const others: Client[] = []
let counter = 0

beforeEach(async () => {
  file = path.join(dir, `session-${++counter}.db`)
  session = new LibsqlSession(createClient({ url: `file:${file}`, concurrency: 1 }))
  await session.query('PRAGMA journal_mode = WAL', [])
  await session.query('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, data BLOB)', [])
})
afterEach(() => {
  session.close()
  for (const other of others.splice(0)) other.close()
})

/** A second, independent client on the same file: what another process would see. */
function observer(): Client {
  const client = createClient({ url: `file:${file}` })
  others.push(client)
  return client
}

async function countRows(): Promise<number> {
  const rs = await observer().execute('SELECT count(*) AS n FROM t')
  return Number(rs.rows[0]?.n)
}

describe('LibsqlSession.query', () => {
  it('inserts with params, selects plain objects, reports rowCount and lastInsertRowid', async () => {
    const insert = await session.query('INSERT INTO t (name, data) VALUES (?, ?)', ['a', Buffer.from([1, 2])])
    expect(insert).toEqual({ rows: [], rowCount: 1, lastInsertRowid: 1 })
    await session.query('INSERT INTO t (name) VALUES (?), (?)', ['b', 'c'])
    const read = await session.query('SELECT id, name, data FROM t WHERE id >= ? ORDER BY id', [1])
    expect(read.rowCount).toBe(3)
    expect(read.rows[0]).toEqual({ id: 1, name: 'a', data: Buffer.from([1, 2]) })
    // no numeric keys or length, unlike the client's own Row
    expect(Object.keys(read.rows[0] as Row)).toEqual(['id', 'name', 'data'])
    expect(read.rows[1]).toEqual({ id: 2, name: 'b', data: null })
    const update = await session.query('UPDATE t SET name = name || ? WHERE id > ?', ['!', 1])
    expect(update.rowCount).toBe(2)
    const returning = await session.query('INSERT INTO t (name) VALUES (?) RETURNING id', ['d'])
    expect(returning).toEqual({ rows: [{ id: 4 }], rowCount: 1 })
  })

  it('binds booleans as 1/0 and Dates as ISO text, like the sqlite backend', async () => {
    const { rows } = await session.query('SELECT ? AS yes, ? AS at', [true, new Date('2024-01-02T03:04:05.000Z')])
    expect(rows).toEqual([{ yes: 1, at: '2024-01-02T03:04:05.000Z' }])
  })

  it('streams by running once and yielding every row', async () => {
    await session.query(
      'WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 500) INSERT INTO t (name) SELECT x FROM seq',
      [],
    )
    const chunks: Row[][] = []
    for await (const chunk of session.streamChunks('SELECT id FROM t ORDER BY id', [], 100)) chunks.push(chunk)
    expect(chunks.map((chunk) => chunk.length)).toEqual([100, 100, 100, 100, 100])
    expect(chunks.flat()[499]).toEqual({ id: 500 })
  })
})

describe('LibsqlSession transactions', () => {
  it('documents the driver: a plain execute("BEGIN") does not survive to the next statement', async () => {
    const raw = observer()
    await raw.execute('BEGIN')
    await raw.execute("INSERT INTO t (name) VALUES ('autocommitted')")
    await expect(raw.execute('COMMIT')).rejects.toThrow(/no transaction is active/)
    expect(await countRows()).toBe(1)
  })

  it('BEGIN ... COMMIT commits, and nothing is visible to others before', async () => {
    await session.query('BEGIN', [])
    expect(session.inTransaction).toBe(true)
    await session.query('INSERT INTO t (name) VALUES (?)', ['x'])
    await session.query('INSERT INTO t (name) VALUES (?)', ['y'])
    expect((await session.query('SELECT count(*) AS n FROM t', [])).rows).toEqual([{ n: 2 }])
    expect(await countRows()).toBe(0)
    await session.query('COMMIT', [])
    expect(session.inTransaction).toBe(false)
    expect(await countRows()).toBe(2)
  })

  it('BEGIN ... ROLLBACK undoes, and the session is usable afterwards', async () => {
    await session.query('BEGIN', [])
    await session.query('INSERT INTO t (name) VALUES (?)', ['x'])
    await session.query('ROLLBACK', [])
    expect(session.inTransaction).toBe(false)
    expect((await session.query('SELECT count(*) AS n FROM t', [])).rows).toEqual([{ n: 0 }])
  })

  it('nested savepoints roll back to and release inside BEGIN', async () => {
    await session.query('BEGIN', [])
    await session.query('INSERT INTO t (name) VALUES (?)', ['outer'])
    await session.query('SAVEPOINT dorm_sp_1', [])
    await session.query('INSERT INTO t (name) VALUES (?)', ['inner'])
    await session.query('ROLLBACK TO SAVEPOINT dorm_sp_1', [])
    await session.query('RELEASE SAVEPOINT dorm_sp_1', [])
    expect(session.inTransaction).toBe(true)
    await session.query('COMMIT', [])
    expect((await observer().execute('SELECT name FROM t')).rows.map((r) => r.name)).toEqual(['outer'])
  })

  it('a SAVEPOINT outside a transaction starts one that its RELEASE commits, as in SQLite', async () => {
    await session.query('SAVEPOINT "Outer"', [])
    expect(session.inTransaction).toBe(true)
    await session.query('INSERT INTO t (name) VALUES (?)', ['kept'])
    await session.query('SAVEPOINT inner_sp', [])
    await session.query('INSERT INTO t (name) VALUES (?)', ['dropped'])
    await session.query('ROLLBACK TO inner_sp', [])
    expect(await countRows()).toBe(0)
    await session.query('RELEASE outer', [])
    expect(session.inTransaction).toBe(false)
    expect(await countRows()).toBe(1)
  })

  it('BEGIN IMMEDIATE takes the write lock at once', async () => {
    await session.query('/* tagged */ BEGIN IMMEDIATE', [])
    const other = createClient({ url: `file:${file}`, timeout: 0 })
    others.push(other)
    await expect(other.execute("INSERT INTO t (name) VALUES ('blocked')")).rejects.toMatchObject({
      code: 'SQLITE_BUSY',
    })
    await session.query('COMMIT', [])
  })

  it('a failed statement inside a transaction leaves it open, as SQLite does', async () => {
    await session.query('BEGIN', [])
    await session.query('INSERT INTO t (name) VALUES (?)', ['one'])
    await expect(session.query('INSERT INTO t (name) VALUES (?)', ['one'])).rejects.toMatchObject({
      extendedCode: 'SQLITE_CONSTRAINT_UNIQUE',
    })
    expect(session.inTransaction).toBe(true)
    await session.query('COMMIT', [])
    expect(await countRows()).toBe(1)
  })

  it('reset() rolls back a transaction left open', async () => {
    await session.query('BEGIN', [])
    await session.query('INSERT INTO t (name) VALUES (?)', ['x'])
    expect(session.reset()).toEqual({ endedStreams: 0, rolledBack: true })
    expect(session.inTransaction).toBe(false)
    expect((await session.query('SELECT count(*) AS n FROM t', [])).rows).toEqual([{ n: 0 }])
    expect(session.reset()).toEqual({ endedStreams: 0, rolledBack: false })
  })
})
