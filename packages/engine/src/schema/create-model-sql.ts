/**
 * CREATE TABLE / CREATE INDEX statements for a model, per dialect. The migrations' schema editor
 * builds on these; tests use them to create their tables.
 */
import type { AnyField } from '../models/fields/field.js'
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
 * Every statement that creates `model`'s table, its indexes and its constraints.
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
  for (const constraint of meta.constraints) {
    if (constraint.kind === 'UniqueConstraint') {
      const cols = constraint.fields.map((name) => q(meta.getField(name).column))
      columns.push(`CONSTRAINT ${q(constraint.name)} UNIQUE (${cols.join(', ')})`)
    } else {
      columns.push(`CONSTRAINT ${q(constraint.name)} CHECK (${constraint.check})`)
    }
  }
  const statements = [`CREATE TABLE ${q(meta.dbTable)} (${columns.join(', ')})`]
  for (const field of meta.concreteFields) {
    const indexed = field.options.dbIndex ?? field.isRelation
    if (indexed && !field.unique) {
      const name = `${meta.dbTable}_${field.column}_idx`.slice(0, 63)
      statements.push(`CREATE INDEX ${q(name)} ON ${q(meta.dbTable)} (${q(field.column)})`)
    }
  }
  for (const index of meta.indexes) {
    const cols = index.fields.map((name) => {
      const desc = name.startsWith('-')
      return `${q(meta.getField(desc ? name.slice(1) : name).column)}${desc ? ' DESC' : ''}`
    })
    const where = index.condition ? ` WHERE ${index.condition}` : ''
    statements.push(
      `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ON ${q(meta.dbTable)} (${cols.join(', ')})${where}`,
    )
  }
  return statements
}

/** `DROP TABLE IF EXISTS` for the model's table. */
export function dropModelSql(model: ModelClassLike, dialect: Dialect): string {
  return `DROP TABLE IF EXISTS ${dialect.quote(model.meta.dbTable)}${dialect.vendor === 'postgresql' ? ' CASCADE' : ''}`
}
