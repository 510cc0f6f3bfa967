/**
 * Proves the test harness itself: the provided PostgreSQL server is reachable and is 15.x, and the
 * SQLite temp dir takes a database file.
 */
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { databaseFileFor, pgUrl, testBackends } from '../support/backends.js'

describe.skipIf(!testBackends().includes('postgres'))('harness: postgres', () => {
  it('connects to the provided server, which runs PostgreSQL 15', async () => {
    const client = new pg.Client({ connectionString: pgUrl() })
    await client.connect()
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version')
      expect(rows[0]?.server_version).toMatch(/^15\./)
    } finally {
      await client.end()
    }
  })
})

describe('harness: sqlite', () => {
  it('opens a better-sqlite3 file in the provided temp dir', () => {
    const file = databaseFileFor('sqlite', 'harness')
    expect(file.startsWith(inject('sqliteDir'))).toBe(true)
    const db = new Database(file)
    try {
      db.exec('CREATE TABLE t (x INTEGER)')
      db.prepare('INSERT INTO t (x) VALUES (?)').run(42)
      expect(db.prepare('SELECT x FROM t').get()).toEqual({ x: 42 })
    } finally {
      db.close()
    }
  })
})
