/**
 * Reads a PostgreSQL schema from pg_catalog: the tables of the schemas on the search_path, their
 * columns, indexes and foreign keys. pg_catalog rather than information_schema because the latter
 * hides tables the role holds no privilege on and drops type modifiers (`varchar(200)` comes back
 * as `character varying`), and drift detection needs both.
 */
import type { DatabaseConnection } from '../db/connection.js'
import type { IntrospectedColumn, IntrospectedTable } from './introspection.js'

// The search_path order decides which of two same-named tables unqualified SQL (and so the ORM) uses.
// Partitions are left out: their parent is the table the models name.
const VISIBLE_TABLES = `
  WITH visible AS (
    SELECT DISTINCT ON (c.relname) c.oid, c.relname
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY (current_schemas(false))
    ORDER BY c.relname, array_position(current_schemas(false), n.nspname)
  )`

const COLUMNS_SQL = `${VISIBLE_TABLES}
  SELECT v.relname::text AS table_name, a.attname::text AS column_name,
    pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null,
    pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS column_default, a.attidentity::text AS identity,
    COALESCE(pk.is_pk, false) AS is_pk
  FROM visible v
  JOIN pg_catalog.pg_attribute a ON a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN LATERAL (
    SELECT true AS is_pk FROM pg_catalog.pg_index x
    WHERE x.indrelid = v.oid AND x.indisprimary AND a.attnum = ANY (x.indkey::int2[])
  ) pk ON true
  ORDER BY v.relname, a.attnum`

// A failed CREATE INDEX CONCURRENTLY leaves an invalid index the planner never uses: not counted.
const INDEXES_SQL = `${VISIBLE_TABLES}
  SELECT v.relname::text AS table_name, i.relname::text AS index_name, x.indisunique AS is_unique,
    ARRAY(
      SELECT CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.ord::int, true)
        ELSE a.attname::text END
      FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
      WHERE k.ord <= x.indnkeyatts
      ORDER BY k.ord
    ) AS columns
  FROM visible v
  JOIN pg_catalog.pg_index x ON x.indrelid = v.oid
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  WHERE x.indisvalid
  ORDER BY v.relname, i.relname`

const FOREIGN_KEYS_SQL = `${VISIBLE_TABLES}
  SELECT v.relname::text AS table_name, a.attname::text AS column_name, rc.relname::text AS ref_table,
    ra.attname::text AS ref_column
  FROM visible v
  JOIN pg_catalog.pg_constraint con ON con.conrelid = v.oid AND con.contype = 'f'
  JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
  CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(attnum, ref_attnum)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
  JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.ref_attnum
  ORDER BY v.relname, con.conname, k.attnum`

interface ColumnRow {
  table_name: string
  column_name: string
  data_type: string
  not_null: boolean
  column_default: string | null
  identity: string
  is_pk: boolean
}

interface IndexRow {
  table_name: string
  index_name: string
  is_unique: boolean
  columns: string[]
}

interface ForeignKeyRow {
  table_name: string
  column_name: string
  ref_table: string
  ref_column: string
}

/**
 * The tables of a PostgreSQL connection, keyed by name.
 *
 * @example
 * ```ts
 * const tables = await introspectPostgres(getConnection('default'))
 * tables.get('library_book')?.columns.get('id') // { type: 'bigint', default: "nextval('library_book_id_seq'::regclass)", ... }
 * ```
 */
export async function introspectPostgres(connection: DatabaseConnection): Promise<Map<string, IntrospectedTable>> {
  const tables = new Map<string, IntrospectedTable>()
  const tableOf = (name: string): IntrospectedTable => {
    let table = tables.get(name)
    if (table === undefined) {
      table = { columns: new Map(), indexes: [], foreignKeys: [] }
      tables.set(name, table)
    }
    return table
  }
  const { rows: columns } = await connection.execute<ColumnRow>(COLUMNS_SQL)
  for (const row of columns) {
    const column: IntrospectedColumn = {
      type: normalizePostgresType(row.data_type),
      nullable: !row.not_null,
      default: row.column_default ?? identityDefault(row.identity),
      primaryKey: row.is_pk,
    }
    tableOf(row.table_name).columns.set(row.column_name, column)
  }
  const { rows: indexes } = await connection.execute<IndexRow>(INDEXES_SQL)
  for (const row of indexes) {
    tables.get(row.table_name)?.indexes.push({ name: row.index_name, columns: row.columns, unique: row.is_unique })
  }
  const { rows: foreignKeys } = await connection.execute<ForeignKeyRow>(FOREIGN_KEYS_SQL)
  for (const row of foreignKeys) {
    tables.get(row.table_name)?.foreignKeys.push({
      column: row.column_name,
      refTable: row.ref_table,
      refColumn: row.ref_column,
    })
  }
  return tables
}

/** An identity column has no pg_attrdef entry; its "default" is the identity clause. */
function identityDefault(identity: string): string | null {
  if (identity === 'a') return 'generated always as identity'
  if (identity === 'd') return 'generated by default as identity'
  return null
}

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  // a serial column reads back as its integer type with a nextval() default
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
  bool: 'boolean',
  float8: 'double precision',
  float: 'double precision',
  float4: 'real',
  decimal: 'numeric',
}

/**
 * One spelling per PostgreSQL type, the one dorm's fields write: `character varying(200)` ->
 * `varchar(200)`, `timestamptz` -> `timestamp with time zone`, `time without time zone` -> `time`,
 * `numeric(10,2)` -> `numeric(10, 2)`, `bigserial` -> `bigint`, `int4[]` -> `integer[]`.
 *
 * @example
 * ```ts
 * normalizePostgresType('character varying(200)') // 'varchar(200)'
 * ```
 */
export function normalizePostgresType(type: string): string {
  let t = type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
    .replace(/\s*,\s*/g, ', ')
  let arrays = ''
  while (t.endsWith('[]')) {
    arrays += '[]'
    t = t.slice(0, -2).trimEnd()
  }
  t = t
    .replace(/^(character|char) varying\b/, 'varchar')
    .replace(/^character\b/, 'char')
    .replace(/^decimal\b/, 'numeric')
    .replace(/^(timestamp|time)(\(\d+\))? without time zone$/, '$1$2')
    .replace(/^timestamptz(\(\d+\))?$/, 'timestamp$1 with time zone')
    .replace(/^timetz(\(\d+\))?$/, 'time$1 with time zone')
  return (TYPE_ALIASES[t] ?? t) + arrays
}
