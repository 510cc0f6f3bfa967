import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, configure, getConnection, resetSettings } from '../../src/index.js'
import { pgUrl, testBackends } from '../support/backends.js'

const VALUES_SQL = `SELECT
  ts, big FROM (VALUES
    ('2026-11-27 01:23:45.123456+00'::timestamptz, 9007199254740993::int8),
    ('1999-12-31 23:59:59.5-08'::timestamptz, -42::int8),
    ('0050-06-01 12:00:00+00'::timestamptz, 0::int8),
    ('infinity'::timestamptz, NULL::int8),
    ('2000-01-01 00:00:00 BC'::timestamptz, 1::int8)
  ) AS t(ts, big)`

describe.runIf(testBackends().includes('postgres'))("dorm's PostgreSQL type parsers", () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('read timestamptz and bigint exactly as pg does, in several time zones', async () => {
    for (const timeZone of ['UTC', 'America/Los_Angeles', 'Asia/Kathmandu']) {
      configure({ DATABASES: { default: { URL: pgUrl(), OPTIONS: { options: `-c TimeZone=${timeZone}` } } } })
      const { rows } = await getConnection().execute(VALUES_SQL)
      const client = new pg.Client({ connectionString: pgUrl(), options: `-c TimeZone=${timeZone}` })
      await client.connect()
      const expected = (await client.query(VALUES_SQL)).rows
      await client.end()
      const comparable = (value: unknown) => (value instanceof Date ? value.getTime() : value)
      expect(rows.map((r) => [comparable(r.ts), r.big])).toEqual(expected.map((r) => [comparable(r.ts), r.big]))
      expect(rows[0]?.big).toBe('9007199254740993')
      await closeAll()
    }
  })

  it('keep a parser the app set with pg.types.setTypeParser', async () => {
    const original = pg.types.getTypeParser(20, 'text')
    pg.types.setTypeParser(20, (text: string) => BigInt(text))
    try {
      configure({ DATABASES: { default: pgUrl() } })
      const { rows } = await getConnection().execute('SELECT 5::int8 AS big')
      expect(rows[0]?.big).toBe(5n)
    } finally {
      pg.types.setTypeParser(20, original)
    }
  })
})
