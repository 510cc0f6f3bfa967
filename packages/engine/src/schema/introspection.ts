/**
 * The live schema of a database as dorm reads it back: tables, their columns (normalised type,
 * nullability, default, primary key), indexes and foreign keys. `dorm diff` compares it with the
 * model registry; the vendor readers live in `introspect-postgres.ts` and `introspect-sqlite.ts`.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { getConnection } from '../db/connection-registry.js'
import { introspectPostgres, normalizePostgresType } from './introspect-postgres.js'
import { introspectSqlite, normalizeSqliteType } from './introspect-sqlite.js'

/** One column of a live table. */
export interface IntrospectedColumn {
  /** The type, normalised so dorm's own DDL reads back as written (`varchar(200)`, `bigint`, `timestamp with time zone`). */
  type: string
  nullable: boolean
  /** The default expression as the database reports it (`nextval('t_id_seq'::regclass)`, `'x'`), or null. */
  default: string | null
  primaryKey: boolean
}

/** One index of a live table (unique constraints and primary keys included, since they are indexes too). */
export interface IntrospectedIndex {
  name: string
  /** Key columns in index order; an expression key appears as its SQL text (or `(expression)` on SQLite). */
  columns: string[]
  unique: boolean
}

/** One column of a foreign key (a composite key gives one entry per column). */
export interface IntrospectedForeignKey {
  column: string
  refTable: string
  refColumn: string
}

/** One live table. */
export interface IntrospectedTable {
  /** Columns in table order. */
  columns: Map<string, IntrospectedColumn>
  indexes: IntrospectedIndex[]
  foreignKeys: IntrospectedForeignKey[]
}

/**
 * Every table the connection sees: on PostgreSQL the tables of the schemas on the search_path (the
 * first schema wins on a name clash, as for unqualified SQL), on SQLite/libsql the main database.
 */
export interface IntrospectedSchema {
  vendor: Vendor
  tables: Map<string, IntrospectedTable>
}

/**
 * Reads the live schema of a database alias.
 *
 * @example
 * ```ts
 * const { tables } = await introspect('default')
 * tables.get('library_book')?.columns.get('title') // { type: 'varchar(200)', nullable: false, default: null, primaryKey: false }
 * ```
 */
export async function introspect(alias = 'default'): Promise<IntrospectedSchema> {
  const connection = getConnection(alias)
  const tables =
    connection.vendor === 'postgresql' ? await introspectPostgres(connection) : await introspectSqlite(connection)
  return { vendor: connection.vendor, tables }
}

/**
 * A column type in the form introspection reports it, so a model's `dbType()` and the live column
 * compare as strings: PostgreSQL spellings are unified (`character varying(200)` = `varchar(200)`,
 * `bigserial` = `bigint`, `timestamptz` = `timestamp with time zone`, `int8` = `bigint`); SQLite
 * keeps the declared type as written, only lower-cased with its spacing tidied.
 *
 * @example
 * ```ts
 * normalizeColumnType('postgresql', 'character varying(200)') // 'varchar(200)'
 * normalizeColumnType('sqlite', 'NUMERIC(10,2)')              // 'numeric(10, 2)'
 * ```
 */
export function normalizeColumnType(vendor: Vendor, type: string): string {
  return vendor === 'postgresql' ? normalizePostgresType(type) : normalizeSqliteType(type)
}
