/**
 * Canary tables for the query fuzzer: planted before, checked after every batch. An injected
 * statement that drops, empties or adds a table, or adds or removes a row, shows up here.
 *
 * @example
 * ```ts
 * const canaries = await plantCanaries('pg')
 * expect(await canaries.check()).toEqual([])   // the list of differences
 * ```
 */
import { getConnection } from '@dorm/engine'

const CANARY_TABLES = { fuzz_canary: 3, fuzz_canary_users: 5 } as const

/** What {@link plantCanaries} returns. */
export interface Canaries {
  /** Differences from the planted state (empty when intact), given the expected row count of fuzz_item. */
  check(expectedItems: number): Promise<string[]>
}

async function tableNames(alias: string): Promise<string[]> {
  const connection = getConnection(alias)
  const sql =
    connection.vendor === 'postgresql'
      ? "SELECT tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
  return (await connection.execute(sql)).rows.map((row) => String(row.name)).sort()
}

async function count(alias: string, table: string): Promise<number> {
  const { rows } = await getConnection(alias).execute(`SELECT count(*) AS n FROM "${table}"`)
  return Number(rows[0]?.n)
}

/** Creates the canary tables with their rows on `alias` and remembers the tables that exist. */
export async function plantCanaries(alias: string): Promise<Canaries> {
  const connection = getConnection(alias)
  for (const [table, rows] of Object.entries(CANARY_TABLES)) {
    await connection.execute(`DROP TABLE IF EXISTS "${table}"`)
    await connection.execute(`CREATE TABLE "${table}" (id integer PRIMARY KEY, secret varchar(50) NOT NULL)`)
    for (let id = 1; id <= rows; id++) {
      await connection.execute(`INSERT INTO "${table}" (id, secret) VALUES (${id}, 'canary ${id}')`)
    }
  }
  const planted = await tableNames(alias)
  return {
    async check(expectedItems) {
      const problems: string[] = []
      const now = await tableNames(alias)
      if (JSON.stringify(now) !== JSON.stringify(planted)) {
        problems.push(`tables changed: ${JSON.stringify(planted)} -> ${JSON.stringify(now)}`)
      }
      for (const [table, rows] of Object.entries(CANARY_TABLES)) {
        if (!now.includes(table)) continue
        const found = await count(alias, table)
        if (found !== rows) problems.push(`${table} has ${found} rows, planted ${rows}`)
      }
      const items = await count(alias, 'fuzz_item')
      if (items !== expectedItems) problems.push(`fuzz_item has ${items} rows, expected ${expectedItems}`)
      return problems
    },
  }
}
