/**
 * The schema editor turns migration operations into DDL for one connection's dialect. It either
 * runs each statement (inside the migration's transaction, through the connection pin) or only
 * collects it (dry-run, sqlmigrate). SQLite cannot alter a column's type or nullability, so those
 * changes rebuild the table: create the new shape, copy the rows, drop the old table, rename.
 */
import type { DatabaseConnection } from '../db/connection.js'
import type { Constraint, Index } from '../models/constraints.js'
import type { AnyField } from '../models/fields/field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import type { Dialect } from '../query/dialect.js'
import { dialectFor } from '../query/dialects.js'
import {
  columnSql,
  constraintSql,
  createModelSql,
  dropModelStatements,
  fieldIndexName,
  fieldIndexSql,
  indexSql,
  junctionSql,
} from './create-model-sql.js'

/** A SQL literal for a default value written into DDL (never user input at query time). */
export function sqlLiteral(value: unknown, dialect: Dialect): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean')
    return dialect.vendor === 'postgresql' ? (value ? 'TRUE' : 'FALSE') : value ? '1' : '0'
  if (value instanceof Date) return `'${value.toISOString()}'`
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `'${text.replaceAll("'", "''")}'`
}

/**
 * Emits DDL for one alias.
 *
 * @example
 * ```ts
 * const editor = new SchemaEditor(getConnection(), { collectOnly: true })
 * await editor.createModel(state.render('shop', 'customer'))
 * editor.statements // ['CREATE TABLE "shop_customer" (...)']
 * ```
 */
export class SchemaEditor {
  readonly connection: DatabaseConnection
  readonly dialect: Dialect
  readonly collectOnly: boolean
  /** Every statement run or collected, in order. */
  readonly statements: string[] = []

  constructor(connection: DatabaseConnection, options: { collectOnly?: boolean } = {}) {
    this.connection = connection
    this.dialect = dialectFor(connection.vendor)
    this.collectOnly = options.collectOnly ?? false
  }

  get postgres(): boolean {
    return this.dialect.vendor === 'postgresql'
  }

  q(identifier: string): string {
    return this.dialect.quote(identifier)
  }

  /** Runs (or collects) one statement. */
  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    this.statements.push(params.length > 0 ? `${sql} -- params: ${JSON.stringify(params)}` : sql)
    if (!this.collectOnly) await this.connection.execute(sql, params)
  }

  async createModel(model: ModelClassLike): Promise<void> {
    for (const sql of createModelSql(model, this.dialect)) await this.execute(sql)
  }

  async deleteModel(model: ModelClassLike): Promise<void> {
    for (const sql of dropModelStatements(model, this.dialect)) await this.execute(sql.replace(' IF EXISTS', ''))
  }

  async alterDbTable(oldTable: string, newTable: string): Promise<void> {
    if (oldTable === newTable) return
    await this.execute(`ALTER TABLE ${this.q(oldTable)} RENAME TO ${this.q(newTable)}`)
  }

  /**
   * ADD COLUMN. A NOT NULL column with a default fills existing rows through a temporary DEFAULT,
   * which PostgreSQL then drops (the ORM supplies defaults; the database keeps none). SQLite cannot
   * drop a column default without a rebuild, so there it stays.
   */
  async addField(model: ModelClassLike, field: AnyField): Promise<void> {
    if (field instanceof ManyToManyField) {
      for (const sql of junctionSql(field, this.dialect)) await this.execute(sql)
      return
    }
    const table = this.q(model.meta.dbTable)
    const withDefault = !field.nullable && field.hasDefault() && !field.generated
    let definition = columnSql(field, this.dialect)
    if (withDefault) {
      const literal = sqlLiteral(field.toDb(field.getDefault(), this.dialect.vendor), this.dialect)
      definition = definition.replace(' NOT NULL', ` DEFAULT ${literal} NOT NULL`)
    } else if (!field.nullable && !this.postgres) {
      // SQLite refuses ADD COLUMN ... NOT NULL without a default; an empty table takes any default
      definition = definition.replace(' NOT NULL', ` DEFAULT ${this.#zeroLiteral(field)} NOT NULL`)
    }
    await this.execute(`ALTER TABLE ${table} ADD COLUMN ${definition}`)
    if (withDefault && this.postgres) {
      await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${this.q(field.column)} DROP DEFAULT`)
    }
    const index = fieldIndexSql(model, field, this.dialect)
    if (index !== undefined) await this.execute(index)
  }

  #zeroLiteral(field: AnyField): string {
    const type = field.dbType(this.dialect.vendor)
    return /int|real|numeric|double|float|bool/i.test(type) ? '0' : "''"
  }

  async removeField(model: ModelClassLike, field: AnyField, newModel: ModelClassLike): Promise<void> {
    if (!field.concrete) {
      const junction = (field as unknown as { junction?: { table: string } }).junction
      if (junction !== undefined) await this.execute(`DROP TABLE ${this.q(junction.table)}`)
      return
    }
    if (this.postgres) {
      await this.execute(`ALTER TABLE ${this.q(model.meta.dbTable)} DROP COLUMN ${this.q(field.column)} CASCADE`)
      return
    }
    // SQLite's DROP COLUMN refuses indexed, unique and key columns: rebuilding always works
    await this.rebuildTable(model, newModel, new Map())
  }

  async renameField(model: ModelClassLike, oldField: AnyField, newField: AnyField): Promise<void> {
    if (!oldField.concrete || oldField.column === newField.column) return
    await this.execute(
      `ALTER TABLE ${this.q(model.meta.dbTable)} RENAME COLUMN ${this.q(oldField.column)} TO ${this.q(newField.column)}`,
    )
  }

  /** Changes type, nullability, uniqueness and index of a column. */
  async alterField(
    oldModel: ModelClassLike,
    oldField: AnyField,
    newField: AnyField,
    newModel: ModelClassLike,
  ): Promise<void> {
    if (!oldField.concrete || !newField.concrete) return
    if (!this.postgres) {
      await this.rebuildTable(oldModel, newModel, new Map([[newField.column, oldField.column]]))
      return
    }
    const table = this.q(oldModel.meta.dbTable)
    if (oldField.column !== newField.column) await this.renameField(oldModel, oldField, newField)
    const column = this.q(newField.column)
    const oldType = oldField
      .dbType('postgresql')
      .replace(/^bigserial$/, 'bigint')
      .replace(/^serial$/, 'integer')
    const newType = newField
      .dbType('postgresql')
      .replace(/^bigserial$/, 'bigint')
      .replace(/^serial$/, 'integer')
    if (oldType !== newType) {
      await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${newType} USING ${column}::${newType}`)
    }
    if (oldField.nullable !== newField.nullable) {
      await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} ${newField.nullable ? 'DROP' : 'SET'} NOT NULL`)
    }
    if (oldField.unique !== newField.unique && !newField.primaryKey) {
      const name = this.q(`${oldModel.meta.dbTable}_${newField.column}_key`.slice(0, 63))
      if (newField.unique) await this.execute(`ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE (${column})`)
      else await this.execute(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`)
    }
    const hadIndex = fieldIndexSql(oldModel, oldField, this.dialect) !== undefined
    const index = fieldIndexSql(newModel, newField, this.dialect)
    if (hadIndex && index === undefined)
      await this.execute(`DROP INDEX IF EXISTS ${this.q(fieldIndexName(oldModel, oldField))}`)
    if (!hadIndex && index !== undefined) await this.execute(index)
  }

  async addIndex(model: ModelClassLike, index: Index, concurrently: boolean): Promise<void> {
    await this.execute(indexSql(model, index, this.dialect, concurrently && this.postgres))
  }

  async removeIndex(index: Index, concurrently: boolean): Promise<void> {
    await this.execute(`DROP INDEX ${concurrently && this.postgres ? 'CONCURRENTLY ' : ''}${this.q(index.name)}`)
  }

  async addConstraint(model: ModelClassLike, constraint: Constraint, newModel: ModelClassLike): Promise<void> {
    if (this.postgres) {
      await this.execute(
        `ALTER TABLE ${this.q(model.meta.dbTable)} ADD ${constraintSql(model, constraint, this.dialect)}`,
      )
      return
    }
    await this.rebuildTable(model, newModel, new Map())
  }

  async removeConstraint(model: ModelClassLike, constraint: Constraint, newModel: ModelClassLike): Promise<void> {
    if (this.postgres) {
      await this.execute(`ALTER TABLE ${this.q(model.meta.dbTable)} DROP CONSTRAINT ${this.q(constraint.name)}`)
      return
    }
    await this.rebuildTable(model, newModel, new Map())
  }

  /**
   * SQLite's way to change a table: create `newModel`'s table under a temporary name, copy the
   * columns both shapes share (`renames` maps new column -> old column), drop the old table,
   * rename, and recreate the indexes.
   */
  async rebuildTable(
    oldModel: ModelClassLike,
    newModel: ModelClassLike,
    renames: ReadonlyMap<string, string>,
  ): Promise<void> {
    const table = newModel.meta.dbTable
    const temporary = `${table}__dorm_new`
    const [create, ...rest] = createModelSql(newModel, this.dialect)
    const oldColumns = new Set(oldModel.meta.concreteFields.map((f) => f.column))
    const copied = newModel.meta.concreteFields
      .map((f) => [f.column, renames.get(f.column) ?? f.column] as const)
      .filter(([, from]) => oldColumns.has(from))
    await this.execute((create as string).replace(`CREATE TABLE ${this.q(table)}`, `CREATE TABLE ${this.q(temporary)}`))
    if (copied.length > 0) {
      await this.execute(
        `INSERT INTO ${this.q(temporary)} (${copied.map(([to]) => this.q(to)).join(', ')}) ` +
          `SELECT ${copied.map(([, from]) => this.q(from)).join(', ')} FROM ${this.q(oldModel.meta.dbTable)}`,
      )
    }
    await this.execute(`DROP TABLE ${this.q(oldModel.meta.dbTable)}`)
    await this.execute(`ALTER TABLE ${this.q(temporary)} RENAME TO ${this.q(table)}`)
    for (const sql of rest) {
      // junction tables of many-to-many fields are untouched by a rebuild
      if (sql.startsWith('CREATE INDEX') || sql.startsWith('CREATE UNIQUE INDEX')) {
        if (sql.includes(` ON ${this.q(table)} `)) await this.execute(sql)
      }
    }
  }
}
