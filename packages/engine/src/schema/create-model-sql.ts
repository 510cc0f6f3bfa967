/**
 * CREATE TABLE / CREATE INDEX statements for a model and the junction tables of its many-to-many
 * fields, per dialect, and the matching DROP statements. The migrations' schema editor builds on
 * these; tests use them to create their tables.
 */
import type { Constraint, Index } from '../models/constraints.js'
import type { AnyField } from '../models/fields/field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import type { Dialect } from '../query/dialect.js'

interface RelationField extends AnyField {
  readonly relatedModel: ModelClassLike
}

/** The column definition of a field: `"title" varchar(200) NOT NULL`. */
export function columnSql(field: AnyField, dialect: Dialect): string {
  const q = dialect.quote
  let sql = `${q(field.column)} ${field.dbType(dialect.vendor)}`
  if (!field.nullable) sql += ' NOT NULL'
  if (field.primaryKey) {
    sql += ' PRIMARY KEY'
    if (field.generated && dialect.vendor !== 'postgresql') sql += ' AUTOINCREMENT'
  } else if (field.unique) {
    sql += ' UNIQUE'
  }
  if (field.isRelation) {
    const target = (field as RelationField).relatedModel
    sql += ` REFERENCES ${q(target.meta.dbTable)} (${q(target.meta.pk.column)})`
    // the ORM applies onDelete; deferring the check lets it order deletes freely within a transaction
    sql += ' DEFERRABLE INITIALLY DEFERRED'
  }
  return sql
}

/**
 * Every statement that creates `model`'s table, its indexes and its constraints, then the junction
 * table of each of its many-to-many fields (so their targets must exist already on PostgreSQL:
 * create the models in dependency order).
 *
 * @example
 * ```ts
 * for (const sql of createModelSql(Book, postgresDialect)) await getConnection().execute(sql)
 * ```
 */
export function createModelSql(model: ModelClassLike, dialect: Dialect): string[] {
  const meta = model.meta
  const q = dialect.quote
  const columns = meta.concreteFields.map((f) => columnSql(f, dialect))
  for (const group of meta.uniqueTogether) {
    const cols = group.map((name) => q(meta.getField(name).column))
    columns.push(`UNIQUE (${cols.join(', ')})`)
  }
  for (const constraint of meta.constraints) columns.push(constraintSql(model, constraint, dialect))
  const statements = [`CREATE TABLE ${q(meta.dbTable)} (${columns.join(', ')})`]
  for (const field of meta.concreteFields) {
    const sql = fieldIndexSql(model, field, dialect)
    if (sql !== undefined) statements.push(sql)
  }
  for (const index of meta.indexes) statements.push(indexSql(model, index, dialect))
  for (const field of manyToManyFields(model)) statements.push(...junctionSql(field, dialect))
  return statements
}

/** The name of the index dorm creates for an indexed field (ForeignKeys and `dbIndex: true`). */
export function fieldIndexName(model: ModelClassLike, field: AnyField): string {
  return `${model.meta.dbTable}_${field.column}_idx`.slice(0, 63)
}

/** CREATE INDEX for an indexed, non-unique field, or undefined when the field gets none. */
export function fieldIndexSql(
  model: ModelClassLike,
  field: AnyField,
  dialect: Dialect,
  concurrently = false,
): string | undefined {
  const indexed = field.options.dbIndex ?? field.isRelation
  if (!indexed || field.unique || !field.concrete) return undefined
  const q = dialect.quote
  const how = concurrently ? 'INDEX CONCURRENTLY' : 'INDEX'
  return `CREATE ${how} ${q(fieldIndexName(model, field))} ON ${q(model.meta.dbTable)} (${q(field.column)})`
}

/** CREATE INDEX for a `meta.indexes` entry. */
export function indexSql(model: ModelClassLike, index: Index, dialect: Dialect, concurrently = false): string {
  const q = dialect.quote
  const meta = model.meta
  const cols = index.fields.map((name) => {
    const desc = name.startsWith('-')
    return `${q(meta.getField(desc ? name.slice(1) : name).column)}${desc ? ' DESC' : ''}`
  })
  const where = index.condition ? ` WHERE ${index.condition}` : ''
  const how = concurrently ? 'INDEX CONCURRENTLY' : 'INDEX'
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}${how} ${q(index.name)} ON ${q(meta.dbTable)} (${cols.join(', ')})${where}`
}

/** The table-constraint clause of a UniqueConstraint / CheckConstraint. */
export function constraintSql(model: ModelClassLike, constraint: Constraint, dialect: Dialect): string {
  const q = dialect.quote
  if (constraint.kind === 'UniqueConstraint') {
    const cols = constraint.fields.map((name) => q(model.meta.getField(name).column))
    return `CONSTRAINT ${q(constraint.name)} UNIQUE (${cols.join(', ')})`
  }
  return `CONSTRAINT ${q(constraint.name)} CHECK (${constraint.check})`
}

function manyToManyFields(model: ModelClassLike): ManyToManyField[] {
  return model.meta.fields.filter((f): f is ManyToManyField => f instanceof ManyToManyField)
}

/**
 * The junction table of a many-to-many field: an id, the two keys (NOT NULL, unique as a pair)
 * and foreign keys that cascade, so a pair goes away with either of its rows whoever deletes it.
 * The pair's unique index leads with the source key; the target key gets an index of its own
 * for the reverse side.
 *
 * @example
 * ```ts
 * junctionSql(Book.meta.getField('tags') as ManyToManyField, sqliteDialect)
 * // CREATE TABLE "library_book_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "book_id" ..., "tag_id" ...)
 * ```
 */
export function junctionSql(field: ManyToManyField, dialect: Dialect): string[] {
  const q = dialect.quote
  const j = field.junction
  const pk =
    dialect.vendor === 'postgresql' ? 'bigserial NOT NULL PRIMARY KEY' : 'integer NOT NULL PRIMARY KEY AUTOINCREMENT'
  const key = (column: string, model: ModelClassLike) =>
    `${q(column)} ${field.keyColumnType(model, dialect.vendor)} NOT NULL` +
    ` REFERENCES ${q(model.meta.dbTable)} (${q(model.meta.pk.column)}) ON DELETE CASCADE`
  const columns = [
    `${q('id')} ${pk}`,
    key(j.sourceColumn, j.source),
    key(j.targetColumn, j.target),
    `UNIQUE (${q(j.sourceColumn)}, ${q(j.targetColumn)})`,
  ]
  const index = `${j.table}_${j.targetColumn}_idx`.slice(0, 63)
  return [
    `CREATE TABLE ${q(j.table)} (${columns.join(', ')})`,
    `CREATE INDEX ${q(index)} ON ${q(j.table)} (${q(j.targetColumn)})`,
  ]
}

/** `DROP TABLE IF EXISTS` for the model's table (its junction tables: see {@link dropModelStatements}). */
export function dropModelSql(model: ModelClassLike, dialect: Dialect): string {
  return dropTableSql(model.meta.dbTable, dialect)
}

/**
 * Every statement that drops `model`: the junction tables of its many-to-many fields, then its table.
 *
 * @example
 * ```ts
 * for (const sql of dropModelStatements(Book, postgresDialect)) await getConnection().execute(sql)
 * ```
 */
export function dropModelStatements(model: ModelClassLike, dialect: Dialect): string[] {
  return [...manyToManyFields(model).map((f) => dropTableSql(f.junction.table, dialect)), dropModelSql(model, dialect)]
}

function dropTableSql(table: string, dialect: Dialect): string {
  return `DROP TABLE IF EXISTS ${dialect.quote(table)}${dialect.vendor === 'postgresql' ? ' CASCADE' : ''}`
}
