import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { POOL_DEFAULTS, type ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { addLogSink, type LogRecord } from '../../db/logging.js'
import { ImproperlyConfigured, InterfaceError, OperationalError } from '../../errors.js'
import type { Backend, SessionLease } from '../base/base-connection.js'
import { createSqliteBackend } from './sqlite-backend.js'

const dir = fs.mkdtempSync(`${os.tmpdir()}/dorm-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let counter = 0
const backends: Backend[] = []
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()))
})

function settings(name: string, options: Record<string, unknown> = {}): ResolvedDatabaseSettings {
  return { ...POOL_DEFAULTS, ENGINE: 'sqlite', NAME: name, OPTIONS: options }
}

function backend(options: Record<string, unknown> = {}, name = path.join(dir, `backend-${++counter}.db`)): Backend {
  const created = createSqliteBackend('default', settings(name, options))
  backends.push(created)
  return created
}

async function run(b: Backend, sql: string, params: unknown[] = []) {
  const lease = await b.acquire()
  try {
    return await lease.session.query(sql, params)
  } finally {
    lease.release()
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('createSqliteBackend', () => {
  it('opens the file on first checkout, in WAL mode with foreign keys on', async () => {
    const file = path.join(dir, 'lazy.db')
    const b = backend({}, file)
    expect(b.vendor).toBe('sqlite')
    expect(fs.existsSync(file)).toBe(false)
    expect(b.compactPoolStats()).toEqual({ size: 0, idle: 0, in_use: 0, max_size: 1, waiting: 0 })
    expect((await run(b, 'PRAGMA journal_mode', [])).rows).toEqual([{ journal_mode: 'wal' }])
    expect((await run(b, 'PRAGMA foreign_keys', [])).rows).toEqual([{ foreign_keys: 1 }])
    expect(fs.existsSync(file)).toBe(true)
    expect(b.compactPoolStats()).toEqual({ size: 1, idle: 1, in_use: 0, max_size: 1, waiting: 0 })
  })

  it('honours OPTIONS.journal_mode (any case, also from a URL string) and leaves :memory: alone', async () => {
    const b = backend({ journal_mode: 'delete' })
    expect((await run(b, 'PRAGMA journal_mode', [])).rows).toEqual([{ journal_mode: 'delete' }])
    const memory = backend({}, ':memory:')
    expect((await run(memory, 'PRAGMA journal_mode', [])).rows).toEqual([{ journal_mode: 'memory' }])
  })

  it('runs OPTIONS.init_command on every new connection, after the journal mode', async () => {
    const b = backend({ init_command: ' PRAGMA cache_size = -4000; PRAGMA temp_store = MEMORY ' })
    expect((await run(b, 'PRAGMA cache_size', [])).rows).toEqual([{ cache_size: -4000 }])
    expect((await run(b, 'PRAGMA temp_store', [])).rows).toEqual([{ temp_store: 2 }])
    expect((await run(b, 'PRAGMA journal_mode', [])).rows).toEqual([{ journal_mode: 'wal' }])
    expect((await run(backend(), 'PRAGMA cache_size', [])).rows).toEqual([{ cache_size: -16000 }])
  })

  it('refuses an init_command that is not a string, or that SQLite rejects, naming the option', async () => {
    expect(() => createSqliteBackend('default', settings('x.db', { init_command: ['PRAGMA x'] }))).toThrow(
      /OPTIONS\.init_command must be a string of SQL, got \["PRAGMA x"\]/,
    )
    const file = path.join(dir, 'bad-init.db')
    const b = backend({ init_command: 'PRAGMA cache_size = -4000; SELEC 1' }, file)
    const err = await b.acquire().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    expect((err as Error).message).toMatch(
      /^DATABASES\['default'\]\.OPTIONS\.init_command failed on a new connection: near "SELEC": syntax error\. Fix the SQL/,
    )
    expect(b.compactPoolStats()).toMatchObject({ size: 0, in_use: 0 })
  })

  it('rejects a bad journal_mode or timeout when the backend is created', () => {
    expect(() => createSqliteBackend('default', settings('x.db', { journal_mode: 'fast' }))).toThrow(
      ImproperlyConfigured,
    )
    expect(() => createSqliteBackend('default', settings('x.db', { journal_mode: 'fast' }))).toThrow(
      /OPTIONS\.journal_mode must be one of DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF/,
    )
    expect(() => createSqliteBackend('default', settings('x.db', { timeout: '-1' }))).toThrow(/OPTIONS\.timeout/)
    expect(() => createSqliteBackend('default', settings('x.db', { timeout: 'soon' }))).toThrow(ImproperlyConfigured)
  })

  it('names the missing folder instead of creating it', async () => {
    const file = path.join(dir, 'no', 'such', 'folder', 'app.db')
    const b = backend({}, file)
    const err = await b.acquire().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OperationalError)
    expect((err as OperationalError).vendorCode).toBe('SQLITE_CANTOPEN')
    expect((err as Error).message).toContain(`'${file}'`)
    expect((err as Error).message).toMatch(/folder '.*folder' does not exist\. Create it/)
    expect(fs.existsSync(path.dirname(file))).toBe(false)
    // the failed open gave the gate back
    expect(b.compactPoolStats()).toMatchObject({ size: 0, in_use: 0 })
  })

  it('serialises leases FIFO, so a transaction never interleaves with another context', async () => {
    const b = backend()
    await run(b, 'CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT)')
    const order: string[] = []
    const first = await b.acquire()
    const waiters = ['second', 'third'].map(async (who) => {
      const lease = await b.acquire()
      order.push(who)
      await lease.session.query('INSERT INTO log (who) VALUES (?)', [who])
      lease.release()
    })
    await tick()
    expect(b.compactPoolStats()).toMatchObject({ in_use: 1, waiting: 2, idle: 0 })
    // a transaction held across awaits
    await first.session.query('BEGIN', [])
    await first.session.query('INSERT INTO log (who) VALUES (?)', ['first'])
    await tick()
    await first.session.query('ROLLBACK', [])
    order.push('first')
    first.release()
    await Promise.all(waiters)
    expect(order).toEqual(['first', 'second', 'third'])
    expect((await run(b, 'SELECT who FROM log ORDER BY id')).rows).toEqual([{ who: 'second' }, { who: 'third' }])
  })

  it('moves the stats', async () => {
    const b = backend()
    const held = await b.acquire()
    const waiting = b.acquire()
    await tick()
    expect(b.poolStats()).toEqual({
      alias: 'default',
      vendor: 'sqlite',
      has_pool: false,
      database: expect.stringMatching(/backend-\d+\.db$/),
      in_use: 1,
      waiting: 1,
      requests_num: 1,
      requests_wait_ms: 0,
    })
    await new Promise((resolve) => setTimeout(resolve, 15))
    held.release()
    ;(await waiting).release()
    const stats = b.poolStats()
    expect(stats).toMatchObject({ in_use: 0, waiting: 0, requests_num: 2 })
    expect(stats.requests_wait_ms).toBeGreaterThanOrEqual(10)
  })

  it('ignores a second release of the same lease', async () => {
    const b = backend()
    const first = await b.acquire()
    const next = b.acquire()
    first.release()
    const second = await next
    first.release()
    expect(b.compactPoolStats().in_use).toBe(1)
    second.release()
    expect(b.compactPoolStats().in_use).toBe(0)
  })

  it('rolls back a transaction left open at release, and says so', async () => {
    const b = backend()
    await run(b, 'CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const records: LogRecord[] = []
    const remove = addLogSink((r) => records.push(r))
    try {
      const lease = await b.acquire()
      await lease.session.query('BEGIN', [])
      await lease.session.query('INSERT INTO t (id) VALUES (1)', [])
      lease.release()
    } finally {
      remove()
    }
    expect((await run(b, 'SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }])
    const warning = records.find((r) => r.level === 'WARNING' && r.logger === 'dorm.db.backends.sqlite')
    expect(warning?.message).toMatch(/inside an open transaction; rolled it back.*atomic\(\)/)
  })

  it('drops a broken file connection and reopens, but keeps an in-memory one', async () => {
    const b = backend()
    await run(b, 'CREATE TEMP TABLE scratch (x)')
    const records: LogRecord[] = []
    const remove = addLogSink((r) => records.push(r))
    const lease = await b.acquire()
    lease.release(true)
    remove()
    expect(records.map((r) => r.message)).toEqual([expect.stringMatching(/dropping the sqlite connection/)])
    // a new connection: the temp table of the old one is gone, the file is still there
    expect(b.compactPoolStats().size).toBe(0)
    await expect(run(b, 'SELECT * FROM scratch')).rejects.toThrow(/no such table/)

    const memory = backend({}, ':memory:')
    await run(memory, 'CREATE TABLE kept (x)')
    const memLease = await memory.acquire()
    memLease.release(true)
    expect((await run(memory, 'SELECT count(*) AS n FROM kept')).rows).toEqual([{ n: 0 }])
  })

  it('after close(), checkouts (queued or new) reject with InterfaceError; close is idempotent', async () => {
    const b = backend()
    const held: SessionLease = await b.acquire()
    const queued = b.acquire()
    await b.close()
    await b.close()
    const queuedErr = await queued.catch((e: unknown) => e)
    expect(queuedErr).toBeInstanceOf(InterfaceError)
    const err = await b.acquire().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InterfaceError)
    expect((err as Error).message).toMatch(
      /alias 'default' was closed.*getConnection\('default'\) again.*configure\(\)/,
    )
    // the holder finds its connection closed, and giving it back is harmless
    const stale = await held.session.query('SELECT 1', []).catch((e: unknown) => e)
    expect(b.mapError(stale, { sql: 'SELECT 1' })).toBeInstanceOf(InterfaceError)
    held.release()
    expect(b.compactPoolStats()).toEqual({ size: 0, idle: 0, in_use: 0, max_size: 1, waiting: 0 })
  })

  it('maps SQLITE_BUSY from another connection to a transient OperationalError', async () => {
    const file = path.join(dir, 'busy.db')
    const b = backend({ timeout: 0 }, file)
    await run(b, 'CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const other = new Database(file, { timeout: 0 })
    try {
      other.exec('BEGIN IMMEDIATE')
      const sql = 'INSERT INTO t (id) VALUES (?)'
      const raw = await run(b, sql, [1]).catch((e: unknown) => e)
      const err = b.mapError(raw, { sql, params: [1] })
      expect(err).toBeInstanceOf(OperationalError)
      expect(err).toMatchObject({ vendorCode: 'SQLITE_BUSY', sql, params: [1], alias: 'default' })
      expect(b.isTransient(err)).toBe(true)
    } finally {
      other.close()
    }
  })

  it('waits up to OPTIONS.timeout ms for a lock before SQLITE_BUSY', async () => {
    const file = path.join(dir, 'busy-timeout.db')
    const b = backend({ timeout: '150' }, file)
    await run(b, 'CREATE TABLE t (id INTEGER PRIMARY KEY)')
    const other = new Database(file, { timeout: 0 })
    try {
      other.exec('BEGIN IMMEDIATE')
      const start = performance.now()
      await expect(run(b, 'INSERT INTO t (id) VALUES (1)')).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
      expect(performance.now() - start).toBeGreaterThanOrEqual(120)
    } finally {
      other.close()
    }
  })
})
