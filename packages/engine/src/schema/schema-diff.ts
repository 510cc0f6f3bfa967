/**
 * `dorm diff`'s engine: the model registry against the live schema of one alias. Every concrete,
 * managed model (and the junction tables of its many-to-many fields) is turned into the tables,
 * columns, indexes and foreign keys `createModelSql` would create, then compared with
 * {@link introspect}. A clean result means the last migration landed.
 *
 * Database defaults: dorm applies field defaults in JS and writes no DEFAULT clause, so a DB default
 * on an ordinary column is neither expected nor reported (a default added by hand, or by a RunSQL in
 * an expand/contract migration, is harmless to the ORM). The one default dorm does rely on is the
 * id generator of an auto field (bigserial's nextval, SQLite's INTEGER PRIMARY KEY): its absence is
 * a `default_mismatch`.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { allowMigrate } from '../db/router.js'
import type { AnyField } from '../models/fields/field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { allModels } from '../models/registry.js'
import {
  type IntrospectedIndex,
  type IntrospectedSchema,
  type IntrospectedTable,
  introspect,
  normalizeColumnType,
} from './introspection.js'

/** What a finding is about. */
export type DiffFindingKind =
  | 'missing_table'
  | 'extra_table'
  | 'missing_column'
  | 'extra_column'
  | 'type_mismatch'
  | 'nullability_mismatch'
  | 'default_mismatch'
  | 'missing_index'
  | 'missing_foreign_key'

/**
 * One difference between the models and the database; `detail` says what is wrong and how to fix it.
 *
 * @example
 * ```ts
 * const finding: DiffFinding = {
 *   kind: 'missing_column', table: 'library_book', column: 'pages', model: 'library.Book',
 *   detail: "Field library.Book.pages expects column 'pages' on 'library_book' — not found. ...",
 * }
 * ```
 */
export interface DiffFinding {
  kind: DiffFindingKind
  table: string
  column?: string
  /** Label of the model the finding belongs to (`library.Book`); absent for extra tables. */
  model?: string
  detail: string
}

/** The result of {@link diffSchema} (also the `--json` output of `dorm diff`). */
export interface SchemaDiff {
  findings: DiffFinding[]
  drift: boolean
}

/** Options of {@link diffSchema}. */
export interface DiffOptions {
  /**
   * Only these apps: app labels (`library`), or the folder / module naming them (`src/library`,
   * `library.models`). Extra tables are then reported only when named `<app>_...` for one of them.
   */
  apps?: readonly string[]
}

interface ExpectedColumn {
  name: string
  /** `Field library.Book.title` or `Column 'book_id' of the junction table of library.Book.tags`. */
  owner: string
  type: string
  declaredType: string
  nullable: boolean
  primaryKey: boolean
  /** The database generates the value (bigserial / INTEGER PRIMARY KEY). */
  auto: boolean
}

interface ExpectedIndex {
  columns: string[]
  unique: boolean
  /** Matched by name (meta.indexes), otherwise by columns. */
  name?: string
  what: string
}

interface ExpectedForeignKey {
  column: string
  refTable: string
  refColumn: string
  owner: string
}

interface ExpectedTable {
  table: string
  model: string
  /** The sentence subject for a missing table. */
  declaredBy: string
  columns: ExpectedColumn[]
  indexes: ExpectedIndex[]
  foreignKeys: ExpectedForeignKey[]
}

const IGNORED_PREFIXES = ['dorm_', 'sqlite_', 'pg_']
const MIGRATE = "Run 'dorm migrate' (after 'dorm makemigrations' if no migration covers it)."
const ALTER = "Run 'dorm makemigrations' and 'dorm migrate' so a migration brings the database in line."

/**
 * Compares the registered models with the live schema of `alias`. Models of apps a router keeps
 * off this alias (`allowMigrate` false) and unmanaged models are not checked, but their tables
 * never count as extra.
 *
 * @example
 * ```ts
 * const { drift, findings } = await diffSchema('default', { apps: ['library'] })
 * for (const f of findings) console.log(`[${f.kind}] ${f.detail}`)
 * ```
 */
export async function diffSchema(alias = 'default', options: DiffOptions = {}): Promise<SchemaDiff> {
  const schema = await introspect(alias)
  const findings = compareSchema(allModels(), schema, { ...options, alias })
  return { findings, drift: findings.length > 0 }
}

/**
 * The findings for `models` against an already read `schema` (what {@link diffSchema} does after
 * introspecting). Pure, for tests and for callers that introspect once and diff several ways.
 *
 * @example
 * ```ts
 * const findings = compareSchema(allModels(), await introspect('default'), { alias: 'default' })
 * ```
 */
export function compareSchema(
  models: readonly ModelClassLike[],
  schema: IntrospectedSchema,
  options: DiffOptions & { alias: string },
): DiffFinding[] {
  const apps = (options.apps ?? []).map(appLabelOf).filter((app) => app !== '')
  const inApps = (model: ModelClassLike) => apps.length === 0 || apps.includes(model.meta.appLabel.toLowerCase())
  const known = new Set<string>()
  for (const model of models) {
    known.add(model.meta.dbTable)
    for (const field of manyToManyFields(model)) known.add(field.junction.table)
  }
  const checked = models.filter(
    (model) =>
      !model.meta.abstract &&
      model.meta.managed &&
      inApps(model) &&
      allowMigrate(options.alias, model.meta.appLabel, { model }),
  )
  const findings: DiffFinding[] = []
  for (const model of checked) {
    for (const expected of expectedTables(model, schema.vendor)) compareTable(expected, schema, findings)
  }
  const extra = [...schema.tables.keys()]
    .filter((table) => !known.has(table) && !IGNORED_PREFIXES.some((prefix) => table.startsWith(prefix)))
    .filter((table) => apps.length === 0 || apps.some((app) => table.toLowerCase().startsWith(`${app}_`)))
    .sort()
  for (const table of extra) {
    findings.push({
      kind: 'extra_table',
      table,
      detail:
        `Table '${table}' exists in the database but no model declares it. If it is a leftover, drop it in a ` +
        'migration (RunSQL); if the app uses it, define a model for it (managed: false to leave its schema alone).',
    })
  }
  return findings
}

/** `src/library`, `library.models`, `library/models.ts` -> `library`. */
function appLabelOf(name: string): string {
  const path = name
    .trim()
    .replace(/[/\\]+$/, '')
    .replace(/[./\\]models(\.[cm]?[jt]s)?$/, '')
  const last = path.split(/[/\\]/).pop() ?? ''
  return last.toLowerCase()
}

function manyToManyFields(model: ModelClassLike): ManyToManyField[] {
  return model.meta.fields.filter((f): f is ManyToManyField => f instanceof ManyToManyField)
}

interface RelationField extends AnyField {
  readonly relatedModel: ModelClassLike
}

/** The model's table and its junction tables, as `createModelSql` creates them on `vendor`. */
function expectedTables(model: ModelClassLike, vendor: Vendor): ExpectedTable[] {
  const meta = model.meta
  const columnOf = (name: string) => meta.getField(name.replace(/^-/, '')).column
  const table: ExpectedTable = {
    table: meta.dbTable,
    model: meta.label,
    declaredBy: `Model '${meta.label}'`,
    columns: [],
    indexes: [],
    foreignKeys: [],
  }
  for (const field of meta.concreteFields) {
    const declaredType = field.dbType(vendor)
    table.columns.push({
      name: field.column,
      owner: `Field ${field.describe()}`,
      type: normalizeColumnType(vendor, declaredType),
      declaredType,
      nullable: field.nullable && !field.primaryKey,
      primaryKey: field.primaryKey,
      auto: field.generated,
    })
    if (field.unique && !field.primaryKey) {
      table.indexes.push({
        columns: [field.column],
        unique: true,
        what: `the UNIQUE constraint of ${field.describe()}`,
      })
    } else if (!field.unique && (field.options.dbIndex ?? field.isRelation)) {
      const what = field.isRelation ? `the index on ForeignKey ${field.describe()}` : `the index of ${field.describe()}`
      table.indexes.push({ columns: [field.column], unique: false, what })
    }
    if (field.isRelation) {
      const target = (field as RelationField).relatedModel.meta
      table.foreignKeys.push({
        column: field.column,
        refTable: target.dbTable,
        refColumn: target.pk.column,
        owner: `${field.kind} ${field.describe()}`,
      })
    }
  }
  for (const group of meta.uniqueTogether) {
    const columns = group.map(columnOf)
    table.indexes.push({ columns, unique: true, what: `the uniqueTogether constraint (${columns.join(', ')})` })
  }
  for (const constraint of meta.constraints) {
    if (constraint.kind !== 'UniqueConstraint') continue
    const columns = constraint.fields.map(columnOf)
    table.indexes.push({ columns, unique: true, what: `the UniqueConstraint '${constraint.name}'` })
  }
  for (const index of meta.indexes) {
    // PostgreSQL truncates identifiers to 63 bytes
    const name = vendor === 'postgresql' ? index.name.slice(0, 63) : index.name
    table.indexes.push({
      columns: index.fields.map(columnOf),
      unique: index.unique,
      name,
      what: `the index '${index.name}' of ${meta.label}.meta.indexes`,
    })
  }
  return [table, ...manyToManyFields(model).map((field) => expectedJunction(field, vendor))]
}

function expectedJunction(field: ManyToManyField, vendor: Vendor): ExpectedTable {
  const j = field.junction
  const owner = (column: string) => `Column '${column}' of the junction table of ${field.describe()}`
  const key = (column: string, model: ModelClassLike): ExpectedColumn => {
    const declaredType = field.keyColumnType(model, vendor)
    return {
      name: column,
      owner: owner(column),
      type: normalizeColumnType(vendor, declaredType),
      declaredType,
      nullable: false,
      primaryKey: false,
      auto: false,
    }
  }
  const idType = vendor === 'postgresql' ? 'bigserial' : 'integer'
  const fk = (column: string, model: ModelClassLike): ExpectedForeignKey => ({
    column,
    refTable: model.meta.dbTable,
    refColumn: model.meta.pk.column,
    owner: `ManyToManyField ${field.describe()} (junction column '${column}')`,
  })
  return {
    table: j.table,
    model: (field.model as ModelClassLike).meta.label,
    declaredBy: `ManyToManyField ${field.describe()}`,
    columns: [
      {
        name: 'id',
        owner: owner('id'),
        type: normalizeColumnType(vendor, idType),
        declaredType: idType,
        nullable: false,
        primaryKey: true,
        auto: true,
      },
      key(j.sourceColumn, j.source),
      key(j.targetColumn, j.target),
    ],
    indexes: [
      {
        columns: [j.sourceColumn, j.targetColumn],
        unique: true,
        what: `the unique pair (${j.sourceColumn}, ${j.targetColumn}) of ${field.describe()}'s junction table`,
      },
      {
        columns: [j.targetColumn],
        unique: false,
        what: `the reverse-side index of ${field.describe()}'s junction table`,
      },
    ],
    foreignKeys: [fk(j.sourceColumn, j.source), fk(j.targetColumn, j.target)],
  }
}

function compareTable(expected: ExpectedTable, schema: IntrospectedSchema, findings: DiffFinding[]): void {
  const { table, model } = expected
  const live = schema.tables.get(table)
  if (live === undefined) {
    findings.push({
      kind: 'missing_table',
      table,
      model,
      detail: `${expected.declaredBy} declares table '${table}' but it is not present in the database. ${MIGRATE}`,
    })
    return
  }
  const add = (kind: DiffFindingKind, column: string | undefined, detail: string) => {
    const finding: DiffFinding = { kind, table, model, detail }
    if (column !== undefined) finding.column = column
    findings.push(finding)
  }
  for (const column of expected.columns) {
    const actual = live.columns.get(column.name)
    if (actual === undefined) {
      add(
        'missing_column',
        column.name,
        `${column.owner} expects column '${column.name}' on '${table}' — not found. ${MIGRATE}`,
      )
      continue
    }
    const typeOk = actual.type === column.type
    if (!typeOk) {
      add(
        'type_mismatch',
        column.name,
        `${column.owner} expects column '${column.name}' on '${table}' to be ${column.declaredType}, ` +
          `but the database has ${actual.type}. ${ALTER}`,
      )
    }
    if (actual.nullable !== column.nullable) {
      const [model_, db] = column.nullable ? ['allows NULL', 'is NOT NULL'] : ['is NOT NULL', 'allows NULL']
      add(
        'nullability_mismatch',
        column.name,
        `${column.owner} ${model_} in the model but column '${column.name}' on '${table}' ${db} in the database. ${ALTER}`,
      )
    }
    if (column.primaryKey && !actual.primaryKey) {
      add(
        'missing_index',
        column.name,
        `${column.owner} is the primary key of '${table}' but the database has no primary key on '${column.name}'. ${ALTER}`,
      )
    }
    if (column.auto && typeOk && !generatesIds(schema.vendor, actual)) {
      const why =
        schema.vendor === 'postgresql'
          ? 'has no sequence (nextval) or identity default'
          : 'is not an INTEGER PRIMARY KEY (the rowid)'
      add(
        'default_mismatch',
        column.name,
        `${column.owner} is an auto-incrementing key but column '${column.name}' on '${table}' ${why}, so inserts ` +
          `that leave the id to the database fail. Recreate the column as ${column.declaredType} in a migration (RunSQL).`,
      )
    }
  }
  const declared = new Set(expected.columns.map((c) => c.name))
  for (const [name, actual] of live.columns) {
    if (declared.has(name)) continue
    const blocking =
      !actual.nullable && actual.default === null ? '; it is NOT NULL without a default, so inserts from dorm fail' : ''
    add(
      'extra_column',
      name,
      `Column '${name}' on '${table}' exists in the database but ${expected.declaredBy} does not declare it${blocking}. ` +
        "If a field was removed, run 'dorm makemigrations' and 'dorm migrate' to drop the column; otherwise declare the field.",
    )
  }
  for (const index of expected.indexes) compareIndex(index, live, table, add)
  for (const fk of expected.foreignKeys) {
    const found = live.foreignKeys.filter((f) => f.column === fk.column)
    if (found.some((f) => f.refTable === fk.refTable && f.refColumn === fk.refColumn)) continue
    if (!live.columns.has(fk.column)) continue
    const target = `'${fk.refTable}'.'${fk.refColumn}'`
    const actual = found[0]
    const detail =
      actual === undefined
        ? `${fk.owner} expects a foreign key from '${table}'.'${fk.column}' to ${target} — not found, so the ` +
          `database accepts ids that point nowhere. ${ALTER}`
        : `${fk.owner} expects '${table}'.'${fk.column}' to reference ${target}, but its foreign key references ` +
          `'${actual.refTable}'.'${actual.refColumn}'. ${ALTER}`
    add('missing_foreign_key', fk.column, detail)
  }
}

function compareIndex(
  index: ExpectedIndex,
  live: IntrospectedTable,
  table: string,
  add: (kind: DiffFindingKind, column: string | undefined, detail: string) => void,
): void {
  const column = index.columns.length === 1 ? index.columns[0] : undefined
  // an index on a column that is itself missing is already reported as the missing column
  if (index.columns.some((c) => !live.columns.has(c))) return
  const cols = `(${index.columns.join(', ')})`
  if (index.name !== undefined) {
    const found = live.indexes.find((i) => i.name === index.name)
    if (found === undefined) {
      add(
        'missing_index',
        column,
        `${capitalise(index.what)} on '${table}' ${cols} is not present in the database. ${MIGRATE}`,
      )
    } else if (!sameList(found.columns, index.columns) || found.unique !== index.unique) {
      const shape = (unique: boolean, columns: readonly string[]) =>
        `${unique ? 'a unique index' : 'an index'} on (${columns.join(', ')})`
      add(
        'missing_index',
        column,
        `${capitalise(index.what)} on '${table}' should be ${shape(index.unique, index.columns)}, but the database ` +
          `has ${shape(found.unique, found.columns)}. ${ALTER}`,
      )
    }
    return
  }
  if (live.indexes.some((i) => covers(i, index))) return
  const what = index.unique ? 'a unique index' : 'an index'
  add(
    'missing_index',
    column,
    `${capitalise(index.what)} needs ${what} on '${table}' ${cols}, which is not present in the database. ${MIGRATE}`,
  )
}

/** Whether a live index provides what `expected` asks for (uniqueness is about the set of columns). */
function covers(live: IntrospectedIndex, expected: ExpectedIndex): boolean {
  if (expected.unique) return live.unique && sameSet(live.columns, expected.columns)
  return sameList(live.columns, expected.columns)
}

function generatesIds(vendor: Vendor, column: { default: string | null; primaryKey: boolean; type: string }): boolean {
  if (vendor !== 'postgresql') return column.primaryKey && column.type === 'integer'
  const d = column.default ?? ''
  return /^nextval\(/i.test(d) || d.includes('identity')
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value))
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
