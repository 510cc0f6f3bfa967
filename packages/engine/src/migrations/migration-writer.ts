/**
 * Writes a migration as TypeScript source: the imports it needs, then `export default
 * migration({ dependencies, operations })`, laid out as Biome formats it (2 spaces, single quotes,
 * no semicolons, trailing commas, width 120), so the file reads like a hand-written one and passes
 * `biome check` as written.
 */
import { MigrationError } from '../errors.js'
import { constraintDoc, fieldDoc, ImportSet, indexDoc, valueDoc } from './field-serializer.js'
import type { MigrationDependency } from './migration.js'
import { AddField, AlterField, RemoveField, RenameField } from './operations/field-operations.js'
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from './operations/index-operations.js'
import { AlterModelTable, CreateModel, DeleteModel, RenameModel } from './operations/model-operations.js'
import type { Operation } from './operations/operation.js'
import { RunSQL } from './operations/special-operations.js'
import { ValidateConstraint } from './operations/validate-constraint.js'
import { array, call, type Doc, LINE_WIDTH, object, print, quoted, text } from './source-layout.js'

/** The module specifiers a migration imports from. */
export interface MigrationImports {
  /** Field classes, Index and constraints. Default `'@dorm/engine'`. */
  readonly engine: string
  /** Operations and `migration`. Default `'@dorm/engine/migrations'`. */
  readonly migrations: string
}

/** What a migration file holds. */
export interface MigrationSourceInput {
  readonly dependencies?: readonly MigrationDependency[]
  readonly operations: readonly Operation[]
  /** Written only when false. */
  readonly atomic?: boolean
}

/** Options of {@link migrationSource}. */
export interface WriteOptions {
  /** Where imports come from; tests point these at the engine's source files. */
  readonly importFrom?: Partial<MigrationImports>
}

/**
 * The package's own specifiers, what a project's migrations import.
 *
 * @example
 * ```ts
 * migrationSource(planned, { importFrom: { ...DEFAULT_IMPORTS, engine: '../../src/index.js' } })
 * ```
 */
export const DEFAULT_IMPORTS: MigrationImports = { engine: '@dorm/engine', migrations: '@dorm/engine/migrations' }

function options(entries: ReadonlyArray<readonly [string, Doc | undefined]>): Doc {
  return object(entries.filter((entry): entry is readonly [string, Doc] => entry[1] !== undefined))
}

function operationDoc(op: Operation, imports: ImportSet): Doc {
  const name = (value: string) => quoted(value)
  let args: Doc
  if (op instanceof CreateModel) {
    const fields = Object.entries(op.fields).map(([key, field]) => [key, fieldDoc(field, imports)] as const)
    const meta = op.options
    const metaEntries: [string, Doc][] = []
    if (meta.dbTable !== undefined) metaEntries.push(['dbTable', quoted(meta.dbTable)])
    if (meta.ordering !== undefined && meta.ordering.length > 0)
      metaEntries.push(['ordering', valueDoc([...meta.ordering])])
    if (meta.indexes !== undefined && meta.indexes.length > 0) {
      metaEntries.push(['indexes', array(meta.indexes.map((index) => indexDoc(index, imports)))])
    }
    if (meta.constraints !== undefined && meta.constraints.length > 0) {
      metaEntries.push(['constraints', array(meta.constraints.map((c) => constraintDoc(c, imports)))])
    }
    if (meta.uniqueTogether !== undefined && meta.uniqueTogether.length > 0) {
      metaEntries.push(['uniqueTogether', valueDoc(meta.uniqueTogether.map((group) => [...group]))])
    }
    if (meta.managed === false) metaEntries.push(['managed', text('false')])
    if (meta.abstract === true) metaEntries.push(['abstract', text('true')])
    args = options([
      ['name', name(op.name)],
      // one field per line, whatever fits: a model reads as a column list, and diffs stay small
      ['fields', object(fields, { expand: true })],
      ['options', metaEntries.length > 0 ? object(metaEntries) : undefined],
    ])
  } else if (op instanceof DeleteModel) {
    args = options([['name', name(op.name)]])
  } else if (op instanceof RenameModel) {
    args = options([
      ['oldName', name(op.oldName)],
      ['newName', name(op.newName)],
    ])
  } else if (op instanceof AlterModelTable) {
    args = options([
      ['name', name(op.name)],
      ['table', name(op.table)],
    ])
  } else if (op instanceof AddField || op instanceof AlterField) {
    args = options([
      ['modelName', name(op.modelName)],
      ['name', name(op.name)],
      ['field', fieldDoc(op.field, imports)],
    ])
  } else if (op instanceof RemoveField) {
    args = options([
      ['modelName', name(op.modelName)],
      ['name', name(op.name)],
    ])
  } else if (op instanceof RenameField) {
    args = options([
      ['modelName', name(op.modelName)],
      ['oldName', name(op.oldName)],
      ['newName', name(op.newName)],
    ])
  } else if (op instanceof AddIndex) {
    args = options([
      ['modelName', name(op.modelName)],
      ['index', indexDoc(op.index, imports)],
      ['concurrently', op.concurrently ? text('true') : undefined],
    ])
  } else if (op instanceof RemoveIndex) {
    args = options([
      ['modelName', name(op.modelName)],
      ['name', name(op.name)],
      ['concurrently', op.concurrently ? text('true') : undefined],
    ])
  } else if (op instanceof AddConstraint) {
    args = options([
      ['modelName', name(op.modelName)],
      ['constraint', constraintDoc(op.constraint, imports)],
      ['notValid', op.notValid ? text('true') : undefined],
    ])
  } else if (op instanceof RemoveConstraint || op instanceof ValidateConstraint) {
    args = options([
      ['modelName', name(op.modelName)],
      ['name', name(op.name)],
    ])
  } else if (op instanceof RunSQL) {
    const sql = (statements: readonly string[]): Doc =>
      statements.length === 1 ? quoted(statements[0] as string) : valueDoc([...statements])
    const reverse = op.reverseSql
    const noop = reverse !== undefined && reverse.length === 1 && reverse[0] === RunSQL.noop
    args = options([
      ['sql', sql(op.sql)],
      ['reverseSql', reverse === undefined ? undefined : noop ? text('RunSQL.noop') : sql(reverse)],
    ])
  } else {
    throw new MigrationError(
      `${op.repr()} cannot be written by makemigrations (it holds code or has no source form). Add it to the migration by hand.`,
    )
  }
  imports.migrations.add(op.kind)
  return call(`new ${op.kind}`, [args])
}

// Biome's organizeImports: names in natural order, case-insensitively, capitals first on a tie
function compareNames(a: string, b: string): number {
  const byLower = a.toLowerCase().localeCompare(b.toLowerCase(), 'en')
  return byLower !== 0 ? byLower : a < b ? -1 : a > b ? 1 : 0
}

function importLine(names: ReadonlySet<string>, from: string): string {
  const sorted = [...names].sort(compareNames)
  const source = quoted(from).text
  const line = `import { ${sorted.join(', ')} } from ${source}`
  if (line.length <= LINE_WIDTH) return line
  return `import {\n${sorted.map((n) => `  ${n},`).join('\n')}\n} from ${source}`
}

// packages before paths, then by specifier, as organizeImports orders them
function importOrder(a: string, b: string): number {
  const relative = (s: string) => (s.startsWith('.') || s.startsWith('/') ? 1 : 0)
  return relative(a) - relative(b) || (a < b ? -1 : a > b ? 1 : 0)
}

/**
 * The TypeScript source of a migration file. Operations the autodetector emits, and RunSQL, can
 * be written; RunCode (a function) cannot.
 *
 * @example
 * ```ts
 * migrationSource({ dependencies: [['shop', '0001_initial']], operations: [new RemoveField({ modelName: 'order', name: 'note' })] })
 * // import { migration, RemoveField } from '@dorm/engine/migrations'
 * //
 * // export default migration({
 * //   dependencies: [['shop', '0001_initial']],
 * //   operations: [new RemoveField({ modelName: 'order', name: 'note' })],
 * // })
 * ```
 */
export function migrationSource(input: MigrationSourceInput, writeOptions: WriteOptions = {}): string {
  const from = { ...DEFAULT_IMPORTS, ...writeOptions.importFrom }
  const imports = new ImportSet()
  imports.migrations.add('migration')
  const operations = input.operations.map((op) => operationDoc(op, imports))
  const entries: [string, Doc][] = []
  const dependencies = input.dependencies ?? []
  if (dependencies.length > 0) entries.push(['dependencies', valueDoc(dependencies.map((d) => [...d]))])
  if (input.atomic === false) entries.push(['atomic', text('false')])
  entries.push(['operations', array(operations)])
  const body = print(call('migration', [object(entries, { expand: true })]), 0, 'export default '.length)

  const groups: [string, ReadonlySet<string>][] = [
    [from.engine, imports.engine],
    [from.migrations, imports.migrations],
  ]
  const lines = groups
    .filter(([, names]) => names.size > 0)
    .sort(([a], [b]) => importOrder(a, b))
    .map(([specifier, names]) => importLine(names, specifier))
  return `${lines.join('\n')}\n\nexport default ${body}\n`
}
