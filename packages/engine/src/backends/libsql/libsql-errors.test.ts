import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Client, createClient, LibsqlError } from '@libsql/client'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DataError,
  ImproperlyConfigured,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'
import { isTransientLibsqlError, libsqlOpenFailureCode, mapLibsqlError } from './libsql-errors.js'

const dir = fs.mkdtempSync(`${os.tmpdir()}/dorm-`)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let client: Client
let counter = 0
beforeEach(async () => {
  client = createClient({ url: `file:${path.join(dir, `errors-${++counter}.db`)}` })
  await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL)')
  await client.execute("INSERT INTO t (email) VALUES ('a@x')")
})
afterEach(() => client.close())

async function failure(sql: string, args: unknown[] = []) {
  try {
    await client.execute({ sql, args: args as never })
  } catch (err) {
    return mapLibsqlError(err, { sql, params: args, alias: 'edge' })
  }
  throw new Error(`expected ${sql} to fail`)
}

describe('mapLibsqlError', () => {
  it('maps the client SQLite codes through the SQLite mapping, using the extended code', async () => {
    const unique = await failure('INSERT INTO t (email) VALUES (?)', ['a@x'])
    expect(unique).toBeInstanceOf(IntegrityError)
    expect(unique).toMatchObject({ vendorCode: 'SQLITE_CONSTRAINT_UNIQUE', alias: 'edge', params: ['a@x'] })
    expect(await failure('INSERT INTO t (email) VALUES (NULL)')).toMatchObject({
      vendorCode: 'SQLITE_CONSTRAINT_NOTNULL',
    })
    const syntax = await failure('SELEC 1')
    expect(syntax).toBeInstanceOf(ProgrammingError)
    expect(syntax.message).toContain('syntax error')
    expect(await failure('SELECT * FROM nope')).toBeInstanceOf(ProgrammingError)
  })

  it('maps a closed client to InterfaceError', async () => {
    client.close()
    const err = await failure('SELECT 1')
    expect(err).toBeInstanceOf(InterfaceError)
    expect(err).toMatchObject({ vendorCode: 'CLIENT_CLOSED' })
  })

  it('maps integers beyond 2^53 to DataError instead of a bare RangeError', async () => {
    const err = await failure('SELECT 9007199254740993 AS big')
    expect(err).toBeInstanceOf(DataError)
    expect(err.message).toMatch(/CAST\(col AS TEXT\)/)
  })

  it('reads the SQLite code out of a failed open', () => {
    const raw = new Error('ConnectionFailed("Unable to open connection to local database /x/y.db: 14")')
    expect(libsqlOpenFailureCode(raw)).toBe('SQLITE_CANTOPEN')
    const mapped = mapLibsqlError(raw, { alias: 'edge' })
    expect(mapped).toBeInstanceOf(OperationalError)
    expect(mapped).toMatchObject({ vendorCode: 'SQLITE_CANTOPEN' })
    expect(libsqlOpenFailureCode(new Error('something else'))).toBeUndefined()
  })

  it('treats busy, locked and an unreachable server as transient; URL mistakes as configuration', () => {
    const busy = mapLibsqlError(new LibsqlError('SQLITE_BUSY: database is locked', 'SQLITE_BUSY', 'SQLITE_BUSY', 5))
    expect(busy).toBeInstanceOf(OperationalError)
    expect(isTransientLibsqlError(busy)).toBe(true)
    const server = mapLibsqlError(new LibsqlError('Server returned HTTP status 502', 'SERVER_ERROR'))
    expect(server).toBeInstanceOf(OperationalError)
    expect(isTransientLibsqlError(server)).toBe(true)
    const refused = mapLibsqlError(
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    )
    expect(refused).toMatchObject({ vendorCode: 'ECONNREFUSED' })
    expect(isTransientLibsqlError(refused)).toBe(true)
    expect(mapLibsqlError(new LibsqlError('bad url', 'URL_INVALID'), { alias: 'edge' })).toBeInstanceOf(
      ImproperlyConfigured,
    )
    expect(isTransientLibsqlError(new IntegrityError('x', { vendorCode: 'SQLITE_CONSTRAINT' }))).toBe(false)
  })
})
