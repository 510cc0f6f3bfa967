/**
 * Reads a SQLite or libsql schema from sqlite_master and the table-valued pragmas (table_info,
 * index_list, index_info, foreign_key_list), through the connection's own `execute`, so both
 * drivers share this code.
 */
import type { DatabaseConnection } from '../db/connection.js'
import type { IntrospectedTable } from './introspection.js'

// Virtual tables are skipped: their pragmas fail when the module is not loaded, and no model maps one.
const TABLES_WHERE = `m.type = 'table' AND COALESCE(m.sql, '') NOT LIKE 'CREATE VIRTUAL%'`

const COLUMNS_SQL = `SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, p."notnull" AS not_null,
    p.dflt_value AS column_default, p.pk AS pk
  FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
  WHERE ${TABLES_WHERE}
  ORDER BY m.name, p.cid`

const INDEXES_SQL = `SELECT m.name AS table_name, il.name AS index_name, il."unique" AS is_unique, ii.name AS column_name
  FROM sqlite_master AS m JOIN pragma_index_list(m.name) AS il JOIN pragma_index_info(il.name) AS ii
  WHERE ${TABLES_WHERE}
  ORDER BY m.name, il.name, ii.seqno`

const FOREIGN_KEYS_SQL = `SELECT m.name AS table_name, f."from" AS column_name, f."table" AS ref_table, f."to" AS ref_column
  FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f
  WHERE ${TABLES_WHERE}
  ORDER BY m.name, f.id, f.seq`

interface ColumnRow {
  table_name: string
  column_name: string
  data_type: string
  not_null: number | bigint
  column_default: string | null
  pk: number | bigint
}

interface IndexRow {
  table_name: string
  index_name: string
  is_unique: number | bigint
  column_name: string | null
}

interface ForeignKeyRow {
  table_name: string
  column_name: string
  ref_table: string
  ref_column: string | null
}

/**
 * The tables of a SQLite or libsql connection, keyed by name (sqlite_ internals included).
 *
 * @example
 * ```ts
 * const tables = await introspectSqlite(getConnection('default'))
 * tables.get('library_book')?.columns.get('title') // { type: 'varchar(200)', nullable: false, default: null, primaryKey: false }
 * ```
 */
export async function introspectSqlite(connection: DatabaseConnection): Promise<Map<string, IntrospectedTable>> {
  const tables = new Map<string, IntrospectedTable>()
  const { rows: columns } = await connection.execute<ColumnRow>(COLUMNS_SQL)
  const pkCount = new Map<string, number>()
  for (const row of columns) {
    if (Number(row.pk) > 0) pkCount.set(row.table_name, (pkCount.get(row.table_name) ?? 0) + 1)
  }
  for (const row of columns) {
    let table = tables.get(row.table_name)
    if (table === undefined) {
      table = { columns: new Map(), indexes: [], foreignKeys: [] }
      tables.set(row.table_name, table)
    }
    const type = normalizeSqliteType(row.data_type ?? '')
    const primaryKey = Number(row.pk) > 0
    // an INTEGER PRIMARY KEY is the rowid, which can never be NULL, whatever the declaration says
    const rowid = primaryKey && type === 'integer' && pkCount.get(row.table_name) === 1
    table.columns.set(row.column_name, {
      type,
      nullable: Number(row.not_null) === 0 && !rowid,
      default: row.column_default,
      primaryKey,
    })
  }
  const { rows: indexRows } = await connection.execute<IndexRow>(INDEXES_SQL)
  for (const row of indexRows) {
    const table = tables.get(row.table_name)
    if (table === undefined) continue
    let index = table.indexes.find((i) => i.name === row.index_name)
    if (index === undefined) {
      index = { name: row.index_name, columns: [], unique: Number(row.is_unique) === 1 }
      table.indexes.push(index)
    }
    index.columns.push(row.column_name ?? '(expression)')
  }
  const { rows: foreignKeys } = await connection.execute<ForeignKeyRow>(FOREIGN_KEYS_SQL)
  for (const row of foreignKeys) {
    // `REFERENCES t` without a column means t's primary key
    const refColumn = row.ref_column ?? primaryKeyOf(tables.get(row.ref_table)) ?? ''
    tables.get(row.table_name)?.foreignKeys.push({ column: row.column_name, refTable: row.ref_table, refColumn })
  }
  return tables
}

function primaryKeyOf(table: IntrospectedTable | undefined): string | undefined {
  if (table === undefined) return undefined
  for (const [name, column] of table.columns) if (column.primaryKey) return name
  return undefined
}

/**
 * A declared SQLite type as written, lower-cased with its spacing tidied (`NUMERIC(10,2)` ->
 * `numeric(10, 2)`). SQLite keeps the declaration text, so no other mapping is needed.
 *
 * @example
 * ```ts
 * normalizeSqliteType('VARCHAR( 200 )') // 'varchar(200)'
 * ```
 */
export function normalizeSqliteType(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
    .replace(/\s*,\s*/g, ', ')
}
