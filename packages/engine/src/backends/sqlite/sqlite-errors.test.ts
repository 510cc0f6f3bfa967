import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DatabaseError,
  DataError,
  type DormError,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'
import { isTransientSqliteError, mapSqliteError, primarySqliteCode } from './sqlite-errors.js'

const dir = fs.mkdtempSync(`${os.tmpdir()}/dorm-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let file: string
let db: Database.Database
let counter = 0

beforeEach(() => {
  file = path.join(dir, `errors-${++counter}.db`)
  db = new Database(file, { timeout: 0 })
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.exec(`
    CREATE TABLE author (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL);
    CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id));
    CREATE TABLE strict_ids (id INTEGER PRIMARY KEY);
  `)
  db.prepare('INSERT INTO author (email) VALUES (?)').run('a@example.com')
})
afterEach(() => {
  if (db.open) db.close()
})

function failure(run: () => unknown, sql: string, params: unknown[] = []): DormError {
  try {
    run()
  } catch (err) {
    return mapSqliteError(err, { sql, params, alias: 'default' })
  }
  throw new Error(`expected ${sql} to fail`)
}

describe('mapSqliteError', () => {
  it('maps a unique violation to IntegrityError with the code, SQL, params and cause', () => {
    const sql = 'INSERT INTO author (email) VALUES (?)'
    const err = failure(() => db.prepare(sql).run('a@example.com'), sql, ['a@example.com'])
    expect(err).toBeInstanceOf(IntegrityError)
    expect(err).toMatchObject({
      code: 'INTEGRITY_ERROR',
      vendorCode: 'SQLITE_CONSTRAINT_UNIQUE',
      sql,
      params: ['a@example.com'],
      alias: 'default',
    })
    expect(err.message).toContain('UNIQUE constraint failed: author.email')
    expect((err.cause as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(isTransientSqliteError(err)).toBe(false)
  })

  it('maps foreign key and not-null violations to IntegrityError', () => {
    const fk = failure(() => db.prepare('INSERT INTO book (author_id) VALUES (?)').run(99), 'INSERT book')
    expect(fk).toBeInstanceOf(IntegrityError)
    expect(fk).toMatchObject({ vendorCode: 'SQLITE_CONSTRAINT_FOREIGNKEY' })
    const notNull = failure(() => db.prepare('INSERT INTO author (email) VALUES (NULL)').run(), 'INSERT author')
    expect(notNull).toMatchObject({ vendorCode: 'SQLITE_CONSTRAINT_NOTNULL' })
  })

  it('maps syntax errors, unknown tables and bad param counts to ProgrammingError', () => {
    const syntax = failure(() => db.prepare('SELEC 1'), 'SELEC 1')
    expect(syntax).toBeInstanceOf(ProgrammingError)
    expect(syntax).toMatchObject({ vendorCode: 'SQLITE_ERROR', sql: 'SELEC 1' })
    expect(failure(() => db.prepare('SELECT * FROM nope'), 'x').message).toContain('no such table: nope')
    expect(failure(() => db.prepare('SELECT ? AS a').all(), 'x')).toBeInstanceOf(ProgrammingError)
    expect(failure(() => db.prepare('SELECT 1; SELECT 2'), 'x')).toBeInstanceOf(ProgrammingError)
    expect(failure(() => db.prepare('SELECT ?').all([{}]), 'x')).toBeInstanceOf(ProgrammingError)
  })

  it('maps TOOBIG and MISMATCH to DataError', () => {
    const big = failure(() => db.prepare('SELECT randomblob(2000000000)').all(), 'x')
    expect(big).toBeInstanceOf(DataError)
    expect(big).toMatchObject({ vendorCode: 'SQLITE_TOOBIG' })
    const mismatch = failure(() => db.prepare("INSERT INTO strict_ids (id) VALUES ('abc')").run(), 'x')
    expect(mismatch).toBeInstanceOf(DataError)
    expect(mismatch).toMatchObject({ vendorCode: 'SQLITE_MISMATCH' })
  })

  it('maps a write blocked by another connection to a transient OperationalError (SQLITE_BUSY)', () => {
    const other = new Database(file, { timeout: 0 })
    try {
      other.exec('BEGIN IMMEDIATE')
      const sql = 'INSERT INTO author (email) VALUES (?)'
      const err = failure(() => db.prepare(sql).run('b@example.com'), sql, ['b@example.com'])
      expect(err).toBeInstanceOf(OperationalError)
      expect(err).toMatchObject({ vendorCode: 'SQLITE_BUSY', sql })
      expect(err.message).toMatch(/database is locked \(SQLITE_BUSY\)\. Another connection holds the lock/)
      expect(isTransientSqliteError(err)).toBe(true)
    } finally {
      other.close()
    }
  })

  it('maps a closed database to InterfaceError', () => {
    const stmt = db.prepare('SELECT 1')
    db.close()
    const err = failure(() => stmt.all(), 'SELECT 1')
    expect(err).toBeInstanceOf(InterfaceError)
    expect(err.message).toMatch(/not open.*getConnection/)
  })

  it('passes dorm errors through and wraps unknown errors in DatabaseError', () => {
    const dorm = new IntegrityError('already mapped')
    expect(mapSqliteError(dorm)).toBe(dorm)
    const other = mapSqliteError(new Error('strange'), { sql: 'SELECT 1' })
    expect(other.constructor).toBe(DatabaseError)
    expect(other).toMatchObject({ sql: 'SELECT 1', message: 'strange' })
    expect(mapSqliteError({ code: 'SQLITE_CORRUPT', message: 'x' }).constructor).toBe(DatabaseError)
  })

  it('treats every extended BUSY/LOCKED code as transient and I/O errors as operational', () => {
    const locked = mapSqliteError(Object.assign(new Error('locked'), { code: 'SQLITE_LOCKED_SHAREDCACHE' }))
    expect(isTransientSqliteError(locked)).toBe(true)
    const snapshot = mapSqliteError(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY_SNAPSHOT' }))
    expect(isTransientSqliteError(snapshot)).toBe(true)
    const io = mapSqliteError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHORT_READ' }))
    expect(io).toBeInstanceOf(OperationalError)
    expect(isTransientSqliteError(io)).toBe(false)
    expect(mapSqliteError(Object.assign(new Error('x'), { code: 'SQLITE_CANTOPEN' }))).toBeInstanceOf(OperationalError)
    expect(primarySqliteCode('SQLITE_CONSTRAINT_PRIMARYKEY')).toBe('SQLITE_CONSTRAINT')
  })
})
