import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createClient } from '@libsql/client'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { POOL_DEFAULTS, type ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { addLogSink, type LogRecord } from '../../db/logging.js'
import {
  ImproperlyConfigured,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'
import type { Backend } from '../base/base-connection.js'
import { createLibsqlBackend } from './libsql-backend.js'

const dir = fs.mkdtempSync(`${os.tmpdir()}/dorm-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let counter = 0
const backends: Backend[] = []
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()))
})

function settings(name: string, options: Record<string, unknown> = {}): ResolvedDatabaseSettings {
  return { ...POOL_DEFAULTS, ENGINE: 'libsql', NAME: name, OPTIONS: options }
}

function backend(options: Record<string, unknown> = {}, name = path.join(dir, `backend-${++counter}.db`)): Backend {
  const created = createLibsqlBackend('edge', settings(name, options))
  backends.push(created)
  return created
}

async function run(b: Backend, sql: string, params: unknown[] = []) {
  const lease = await b.acquire()
  try {
    return await lease.session.query(sql, params)
  } catch (err) {
    throw b.mapError(err, { sql, params })
  } finally {
    lease.release()
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('createLibsqlBackend', () => {
  it('opens a local file on first checkout, in WAL mode with foreign keys on', async () => {
    const file = path.join(dir, 'lazy.db')
    const b = backend({}, file)
    expect(b.vendor).toBe('libsql')
    expect(fs.existsSync(file)).toBe(false)
    expect((await run(b, 'PRAGMA journal_mode')).rows).toEqual([{ journal_mode: 'wal' }])
    expect((await run(b, 'PRAGMA foreign_keys')).rows).toEqual([{ foreign_keys: 1 }])
    expect(fs.existsSync(file)).toBe(true)
    expect(b.compactPoolStats()).toEqual({ size: 1, idle: 1, in_use: 0, max_size: 1, waiting: 0 })
  })

  it('handles paths with URL-special characters and :memory:', async () => {
    const odd = path.join(dir, 'odd #1 ?x% name.db')
    const b = backend({ journal_mode: 'DELETE' }, odd)
    await run(b, 'CREATE TABLE t (x)')
    expect(fs.existsSync(odd)).toBe(true)
    expect((await run(b, 'PRAGMA journal_mode')).rows).toEqual([{ journal_mode: 'delete' }])
    const memory = backend({}, ':memory:')
    await run(memory, 'CREATE TABLE m (x)')
    await run(memory, 'INSERT INTO m VALUES (?)', [1])
    expect((await run(memory, 'SELECT count(*) AS n FROM m')).rows).toEqual([{ n: 1 }])
  })

  it('names the missing folder instead of creating it', async () => {
    const file = path.join(dir, 'missing', 'app.db')
    const err = await backend({}, file)
      .acquire()
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OperationalError)
    expect(err).toMatchObject({ vendorCode: 'SQLITE_CANTOPEN' })
    expect((err as Error).message).toContain(`Cannot open the libsql database '${file}'`)
    expect((err as Error).message).toMatch(/does not exist\. Create it/)
  })

  it('runs OPTIONS.init_command on every new connection, and names it when it fails', async () => {
    const b = backend({ init_command: 'PRAGMA cache_size = -4000; PRAGMA temp_store = MEMORY' })
    expect((await run(b, 'PRAGMA cache_size')).rows).toEqual([{ cache_size: -4000 }])
    expect((await run(b, 'PRAGMA temp_store')).rows).toEqual([{ temp_store: 2 }])
    const err = await backend({ init_command: 'SELEC 1' })
      .acquire()
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    expect((err as Error).message).toMatch(
      /^DATABASES\['edge'\]\.OPTIONS\.init_command failed on a new connection: .*SELEC/,
    )
  })

  it('rejects bad OPTIONS when created', () => {
    expect(() => createLibsqlBackend('edge', settings('x.db', { journal_mode: 'nope' }))).toThrow(ImproperlyConfigured)
  })

  it('maps unique violations and syntax errors', async () => {
    const b = backend()
    await run(b, 'CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE)')
    await run(b, 'INSERT INTO t (email) VALUES (?)', ['a@x'])
    const sql = 'INSERT INTO t (email) VALUES (?)'
    const unique = await run(b, sql, ['a@x']).catch((e: unknown) => e)
    expect(unique).toBeInstanceOf(IntegrityError)
    expect(unique).toMatchObject({ vendorCode: 'SQLITE_CONSTRAINT_UNIQUE', sql, params: ['a@x'], alias: 'edge' })
    const syntax = await run(b, 'SELEC 1').catch((e: unknown) => e)
    expect(syntax).toBeInstanceOf(ProgrammingError)
    expect(syntax).toMatchObject({ vendorCode: 'SQLITE_ERROR', sql: 'SELEC 1' })
  })

  it('maps SQLITE_BUSY from another connection to a transient OperationalError', async () => {
    const file = path.join(dir, 'busy.db')
    const b = backend({ timeout: 0 }, file)
    await run(b, 'CREATE TABLE t (id INTEGER PRIMARY KEY)')
    // another libsql client: better-sqlite3 bundles its own SQLite, whose locks this one cannot see
    const other = createClient({ url: `file:${file}` })
    const tx = await other.transaction('write')
    try {
      const err = await run(b, 'INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(OperationalError)
      expect(err).toMatchObject({ vendorCode: 'SQLITE_BUSY' })
      expect(b.isTransient(err as OperationalError)).toBe(true)
    } finally {
      tx.close()
      other.close()
    }
  })

  it('runs a transaction from BEGIN to COMMIT on the lease, serialised against other contexts', async () => {
    const file = path.join(dir, 'tx.db')
    const b = backend({}, file)
    await run(b, 'CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT)')
    const first = await b.acquire()
    const order: string[] = []
    const second = (async () => {
      const lease = await b.acquire()
      order.push('second')
      await lease.session.query('INSERT INTO log (who) VALUES (?)', ['second'])
      lease.release()
    })()
    await first.session.query('BEGIN', [])
    await first.session.query('INSERT INTO log (who) VALUES (?)', ['first'])
    await tick()
    const outside = createClient({ url: `file:${file}` })
    expect((await outside.execute('SELECT count(*) AS n FROM log')).rows[0]?.n).toBe(0)
    await first.session.query('COMMIT', [])
    order.push('first')
    first.release()
    await second
    expect(order).toEqual(['first', 'second'])
    expect((await outside.execute('SELECT who FROM log ORDER BY id')).rows.map((r) => r.who)).toEqual([
      'first',
      'second',
    ])
    outside.close()
  })

  it('rolls back a transaction left open at release, and says so', async () => {
    const b = backend()
    await run(b, 'CREATE TABLE t (x)')
    const records: LogRecord[] = []
    const remove = addLogSink((r) => records.push(r))
    try {
      const lease = await b.acquire()
      await lease.session.query('BEGIN', [])
      await lease.session.query('INSERT INTO t VALUES (1)', [])
      lease.release()
    } finally {
      remove()
    }
    expect((await run(b, 'SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }])
    expect(records.some((r) => r.logger === 'dorm.db.backends.libsql' && /rolled it back/.test(r.message))).toBe(true)
  })

  it('moves the stats, and after close() rejects checkouts with InterfaceError', async () => {
    const b = backend()
    const held = await b.acquire()
    const queued = b.acquire()
    await tick()
    expect(b.poolStats()).toMatchObject({ alias: 'edge', vendor: 'libsql', has_pool: false, in_use: 1, waiting: 1 })
    held.release()
    ;(await queued).release()
    expect(b.poolStats()).toMatchObject({ in_use: 0, waiting: 0, requests_num: 2 })

    const again = await b.acquire()
    const late = b.acquire()
    await b.close()
    await b.close()
    await expect(late).rejects.toBeInstanceOf(InterfaceError)
    await expect(b.acquire()).rejects.toThrow(/libsql connection of alias 'edge' was closed.*getConnection\('edge'\)/)
    const stale = await again.session.query('SELECT 1', []).catch((e: unknown) => e)
    expect(b.mapError(stale, {})).toBeInstanceOf(InterfaceError)
    again.release()
  })
})
