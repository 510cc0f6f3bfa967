import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  closeAll,
  configure,
  DatabaseError,
  getConnection,
  IntegrityError,
  ProgrammingError,
  resetSettings,
} from '../../src/index.js'
import { databaseUrlFor, testBackends } from '../support/backends.js'

describe.each(testBackends())('driver errors on %s', (backend) => {
  const p = (n: number) => (backend === 'postgres' ? `$${n}` : '?')
  const table = `errmap_${backend}_${process.pid}`

  beforeEach(async () => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'errors') } })
    await getConnection().execute(`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY, api_key TEXT)`)
  })

  afterEach(async () => {
    await getConnection().execute(`DROP TABLE IF EXISTS ${table}`)
    await closeAll()
    resetSettings()
  })

  it('maps a unique violation to IntegrityError with the SQL, redacted params and the cause', async () => {
    const sql = `INSERT INTO ${table} (id, api_key) VALUES (${p(1)}, ${p(2)})`
    await getConnection().execute(sql, [1, 'k1'])
    const error = await getConnection()
      .execute(sql, [1, 'k2'])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error).toBeInstanceOf(DatabaseError)
    const e = error as IntegrityError
    expect(e.code).toBe('INTEGRITY_ERROR')
    expect(e.sql).toBe(sql)
    expect(e.params).toEqual([1, '***'])
    expect(e.alias).toBe('default')
    expect(e.vendorCode).toMatch(backend === 'postgres' ? /^23505$/ : /^SQLITE_CONSTRAINT/)
    expect(e.cause).toBeDefined()
  })

  it('maps a syntax error and an unknown table to ProgrammingError', async () => {
    await expect(getConnection().execute('SELEC 1')).rejects.toBeInstanceOf(ProgrammingError)
    await expect(getConnection().execute('SELECT * FROM missing_table_xyz')).rejects.toBeInstanceOf(ProgrammingError)
  })
})
