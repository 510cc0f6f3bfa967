/**
 * `executeEager`: on better-sqlite3 a statement on a free (or pinned) connection answers in the
 * call; everywhere else, and whenever it would have to wait or retry, it hands back the promise
 * `execute()` would. Either way the pipeline, the gate's bookkeeping and the retry policy hold.
 */
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  atomic,
  closeAll,
  configure,
  getConnection,
  IntegrityError,
  ProgrammingError,
  postQuery,
  resetSettings,
} from '../../src/index.js'
import { databaseFileFor, databaseUrlFor, testBackends } from '../support/backends.js'
import { captureLogs } from '../support/logs.js'

afterEach(async () => {
  await closeAll()
  resetSettings()
})

async function settle<T>(answer: T | Promise<T>): Promise<T> {
  return answer instanceof Promise ? await answer : answer
}

describe.each(testBackends())('executeEager on %s', (backend) => {
  it('gives the rows execute() gives, in the call only on sqlite once the connection is open', async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'eager_rows') } })
    const connection = getConnection()
    await connection.execute('SELECT 1')
    const sql = backend === 'postgres' ? 'SELECT $1::int + 1 AS n' : 'SELECT ? + 1 AS n'
    const answer = connection.executeEager(sql, [41])
    expect(answer instanceof Promise).toBe(backend !== 'sqlite')
    expect((await settle(answer)).rows).toEqual([{ n: 42 }])
    expect((await connection.execute(sql, [41])).rows).toEqual([{ n: 42 }])
  })

  it('never throws: a failing statement comes back as a rejected promise with the mapped error', async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'eager_errors') } })
    const connection = getConnection()
    await connection.execute('SELECT 1')
    let answer: unknown
    expect(() => {
      answer = connection.executeEager('SELECT * FROM eager_no_such_table')
    }).not.toThrow()
    expect(answer).toBeInstanceOf(Promise)
    await expect(answer).rejects.toBeInstanceOf(ProgrammingError)
  })
})

describe('executeEager on sqlite', () => {
  const url = () => databaseUrlFor('sqlite', 'eager_gate')

  it('opens the connection on the first call through the promise path', async () => {
    configure({ DATABASES: { default: url() } })
    const first = getConnection().executeEager('SELECT 1 AS one')
    expect(first).toBeInstanceOf(Promise)
    expect((await first).rows).toEqual([{ one: 1 }])
    expect(getConnection().executeEager('SELECT 1 AS one')).not.toBeInstanceOf(Promise)
  })

  it('waits its turn behind another context transaction, then sees only what was committed', async () => {
    configure({ DATABASES: { default: url() } })
    const connection = getConnection()
    await connection.execute('DROP TABLE IF EXISTS eager_t')
    await connection.execute('CREATE TABLE eager_t (n INTEGER)')
    let inside!: () => void
    const entered = new Promise<void>((resolve) => {
      inside = resolve
    })
    let finish!: () => void
    const held = new Promise<void>((resolve) => {
      finish = resolve
    })
    const transaction = atomic(async () => {
      await connection.execute('INSERT INTO eager_t (n) VALUES (1)')
      inside()
      await held
      await connection.execute('INSERT INTO eager_t (n) VALUES (2)')
    })
    await entered
    // the transaction holds the one connection: the outside statement must not run inside it
    const outside = connection.executeEager('SELECT COUNT(*) AS c FROM eager_t')
    expect(outside).toBeInstanceOf(Promise)
    finish()
    await transaction
    expect((await outside).rows).toEqual([{ c: 2 }])
    expect(connection.poolStats()).toMatchObject({ in_use: 0, waiting: 0 })
  })

  it('answers in the call inside atomic(), on the transaction connection, and rolls back with it', async () => {
    configure({ DATABASES: { default: url() } })
    const connection = getConnection()
    await connection.execute('DROP TABLE IF EXISTS eager_tx')
    await connection.execute('CREATE TABLE eager_tx (n INTEGER UNIQUE)')
    await expect(
      atomic(async () => {
        const insert = connection.executeEager('INSERT INTO eager_tx (n) VALUES (7)')
        expect(insert).not.toBeInstanceOf(Promise)
        const seen = connection.executeEager('SELECT n FROM eager_tx')
        expect(seen).toEqual({ rows: [{ n: 7 }], rowCount: 1 })
        const duplicate = connection.executeEager('INSERT INTO eager_tx (n) VALUES (7)')
        expect(duplicate).toBeInstanceOf(Promise)
        await duplicate
      }),
    ).rejects.toBeInstanceOf(IntegrityError)
    expect((await connection.execute('SELECT COUNT(*) AS c FROM eager_tx')).rows).toEqual([{ c: 0 }])
  })

  it('counts every checkout in the pool stats and sends postQuery, as the promise path does', async () => {
    configure({ DATABASES: { default: url() } })
    const connection = getConnection()
    await connection.execute('SELECT 1')
    const before = connection.fullPoolStats().requests_num as number
    const seen: string[] = []
    const onPost = (payload: { sql: string }) => {
      seen.push(payload.sql)
    }
    postQuery.connect(onPost)
    try {
      for (let i = 0; i < 5; i++) expect(connection.executeEager('SELECT 2')).not.toBeInstanceOf(Promise)
    } finally {
      postQuery.disconnect(onPost)
    }
    expect(connection.fullPoolStats().requests_num).toBe(before + 5)
    expect(seen).toEqual(Array(5).fill('SELECT 2'))
  })

  it('retries a busy database through the promise path (RETRY_ATTEMPTS, RETRY_BACKOFF)', async () => {
    const file = databaseFileFor('sqlite', 'eager_busy')
    configure({
      DATABASES: { default: { ENGINE: 'sqlite', NAME: file, OPTIONS: { timeout: 5 } } },
      RETRY_ATTEMPTS: 5,
      RETRY_BACKOFF: 0.04,
    })
    const connection = getConnection()
    await connection.execute('DROP TABLE IF EXISTS eager_busy')
    await connection.execute('CREATE TABLE eager_busy (n INTEGER)')
    // another process-like connection takes the write lock for a while
    const other = new Database(file)
    other.exec('BEGIN IMMEDIATE')
    const logs = captureLogs()
    try {
      const write = connection.executeEager('INSERT INTO eager_busy (n) VALUES (1)')
      expect(write).toBeInstanceOf(Promise)
      setTimeout(() => other.exec('COMMIT'), 60)
      await expect(write).resolves.toMatchObject({ rowCount: 1 })
      expect(logs.records.some((r) => r.message.startsWith("retrying on alias 'default' after OperationalError"))).toBe(
        true,
      )
    } finally {
      logs.stop()
      if (other.inTransaction) other.exec('ROLLBACK')
      other.close()
    }
    expect((await connection.execute('SELECT COUNT(*) AS c FROM eager_busy')).rows).toEqual([{ c: 1 }])
  })
})
