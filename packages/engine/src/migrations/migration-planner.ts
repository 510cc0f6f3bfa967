/**
 * Turns the autodetector's operations into the migrations to write: one per app (two when apps
 * point at each other's new models), each numbered after the app's latest, named, and depending
 * on the app's latest migration and on the migrations of other apps it needs.
 */
import { MigrationError } from '../errors.js'
import { snakeCase } from '../models/fields/field.js'
import { type ChangeDependency, changeDependencies } from './autodetector.js'
import { relationTarget } from './field-deconstruction.js'
import type { MigrationDependency } from './migration.js'
import type { MigrationGraph } from './migration-graph.js'
import type { ProjectState } from './migration-state.js'
import { AddField, AlterField, RemoveField, RenameField } from './operations/field-operations.js'
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from './operations/index-operations.js'
import { AlterModelTable, CreateModel, DeleteModel, RenameModel } from './operations/model-operations.js'
import type { Operation } from './operations/operation.js'

/** A migration about to be written. */
export interface PlannedMigration {
  readonly app: string
  /** `0002_customer_email`: the file name without `.ts`. */
  readonly name: string
  readonly dependencies: readonly MigrationDependency[]
  readonly operations: readonly Operation[]
  /** Whether this is the app's first migration. */
  readonly initial: boolean
}

/** What {@link planMigrations} and {@link planEmptyMigration} need besides the operations. */
export interface PlanOptions {
  /** The graph of the migrations on disk: numbers and each app's latest migration. */
  readonly graph: MigrationGraph
  /** `--name`: used instead of the derived name. */
  readonly name?: string
  /** For `auto_<yyyymmdd_hhmm>` names (UTC); default now. */
  readonly now?: Date
}

/** Longest derived name before falling back to `auto_<timestamp>` (as Django). */
const MAX_NAME = 52
const NAME = /^[A-Za-z0-9_]+$/

/**
 * Checks a `--name`: letters, digits and underscores, as migration file names allow.
 *
 * @example
 * ```ts
 * checkMigrationName('add_email') // ok; checkMigrationName('add-email') throws
 * ```
 */
export function checkMigrationName(name: string): void {
  if (!NAME.test(name)) {
    throw new MigrationError(
      `The migration name '${name}' is not valid: use letters, digits and underscores only (e.g. add_customer_email).`,
    )
  }
}

/**
 * The number after the app's highest migration number (1 for an app without migrations).
 *
 * @example
 * ```ts
 * nextNumber(graph, 'shop') // 3 when 0002_customer_email is the latest
 * ```
 */
export function nextNumber(graph: MigrationGraph, app: string): number {
  let highest = 0
  for (const m of graph.nodes.values()) {
    if (m.app !== app) continue
    const n = Number.parseInt(m.name.slice(0, 4), 10)
    if (Number.isInteger(n) && n > highest) highest = n
  }
  return highest + 1
}

function fragment(op: Operation): string | undefined {
  const field = (model: string, name: string) => `${model.toLowerCase()}_${snakeCase(name)}`
  if (op instanceof CreateModel) return op.name.toLowerCase()
  if (op instanceof DeleteModel) return `delete_${op.name.toLowerCase()}`
  if (op instanceof RenameModel) return `rename_${op.oldName.toLowerCase()}_${op.newName.toLowerCase()}`
  if (op instanceof AlterModelTable) return `alter_${op.name.toLowerCase()}_table`
  if (op instanceof AddField) return field(op.modelName, op.name)
  if (op instanceof RemoveField) return `remove_${field(op.modelName, op.name)}`
  if (op instanceof AlterField) return `alter_${field(op.modelName, op.name)}`
  if (op instanceof RenameField) {
    return `rename_${snakeCase(op.oldName)}_${op.modelName.toLowerCase()}_${snakeCase(op.newName)}`
  }
  if (op instanceof AddIndex) return `${op.modelName.toLowerCase()}_${op.index.name.toLowerCase()}`
  if (op instanceof RemoveIndex) return `remove_${op.modelName.toLowerCase()}_${op.name.toLowerCase()}`
  if (op instanceof AddConstraint) return `${op.modelName.toLowerCase()}_${op.constraint.name.toLowerCase()}`
  if (op instanceof RemoveConstraint) return `remove_${op.modelName.toLowerCase()}_${op.name.toLowerCase()}`
  return undefined
}

function timestamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`
  )
}

/**
 * The name part of a new migration: `initial` for an app's first, else what the first operation
 * does (`customer_email` for AddField email on customer), else `auto_<yyyymmdd_hhmm>`.
 *
 * @example
 * ```ts
 * suggestName([new AddField({ modelName: 'customer', name: 'email', field })], { initial: false }) // 'customer_email'
 * ```
 */
export function suggestName(operations: readonly Operation[], options: { initial: boolean; now?: Date }): string {
  if (options.initial) return 'initial'
  const first = operations[0]
  const derived = first === undefined ? undefined : fragment(first)
  const cleaned = derived
    ?.replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
  if (cleaned !== undefined && cleaned !== '' && cleaned.length <= MAX_NAME) return cleaned
  return `auto_${timestamp(options.now ?? new Date())}`
}

function pad4(n: number): string {
  return String(n).padStart(4, '0')
}

/**
 * An empty migration for `app` (`makemigrations --empty app`), to fill in by hand.
 *
 * @example
 * ```ts
 * planEmptyMigration('shop', { graph }) // { name: '0003_auto_20240115_1030', operations: [], ... }
 * ```
 */
export function planEmptyMigration(app: string, options: PlanOptions): PlannedMigration {
  const number = nextNumber(options.graph, app)
  const initial = number === 1
  const leaf = options.graph.leafNodes(app)[0]
  return {
    app,
    name: `${pad4(number)}_${options.name ?? suggestName([], { initial, now: options.now })}`,
    dependencies: leaf === undefined ? [] : [[app, leaf.name]],
    operations: [],
    initial,
  }
}

interface Chunk {
  app: string
  operations: Operation[]
  /** The second migration of an app whose relations waited for another app's new models. */
  late: boolean
}

/**
 * The migrations that hold `changes`, in the order they apply (dependencies first). Each depends
 * on its app's latest migration and on the migrations of other apps its operations need (see
 * `changeDependencies`). When two apps point at each other's new models, the relations that close
 * the loop move to a second migration of their app, as Django does.
 *
 * @example
 * ```ts
 * const planned = planMigrations(detectChanges(state, models), { graph, fromState: state })
 * planned.map((m) => `${m.app}.${m.name}`) // ['shop.0002_customer_email']
 * ```
 */
export function planMigrations(
  changes: ReadonlyMap<string, readonly Operation[]>,
  options: PlanOptions & { readonly fromState: ProjectState },
): PlannedMigration[] {
  const chunks = splitCycles(changes, options.fromState)
  const planned = new Map<Chunk, PlannedMigration>()
  const firstOf = new Map<string, Chunk>()
  for (const chunk of chunks) if (!chunk.late) firstOf.set(chunk.app, chunk)

  // names first: dependencies refer to them
  const names = new Map<Chunk, string>()
  const numbers = new Map<Chunk, number>()
  const next = new Map<string, number>()
  for (const chunk of chunks) {
    const number = next.get(chunk.app) ?? nextNumber(options.graph, chunk.app)
    next.set(chunk.app, number + 1)
    numbers.set(chunk, number)
    const initial = number === 1
    names.set(chunk, `${pad4(number)}_${options.name ?? suggestName(chunk.operations, { initial, now: options.now })}`)
  }

  const firstChanges = new Map([...firstOf].map(([app, chunk]) => [app, chunk.operations] as const))
  const crossApp = changeDependencies(firstChanges, options.fromState)
  for (const chunk of chunks) {
    const deps: MigrationDependency[] = []
    const latest = (app: string): void => {
      const leaf = options.graph.leafNodes(app)[0]
      if (leaf !== undefined) deps.push([app, leaf.name])
    }
    const first = firstOf.get(chunk.app)
    if (chunk.late && first !== undefined) deps.push([chunk.app, names.get(first) as string])
    else latest(chunk.app)
    const own: readonly ChangeDependency[] = chunk.late
      ? lateDependencies(chunk, firstChanges)
      : crossApp.filter((d) => d.app === chunk.app)
    for (const dependency of own) {
      const target = firstOf.get(dependency.on)
      if (dependency.onNew && target !== undefined) deps.push([dependency.on, names.get(target) as string])
      else latest(dependency.on)
    }
    const unique = [...new Map(deps.map((d) => [`${d[0]}.${d[1]}`, d] as const)).values()]
    unique.sort((a, b) => `${a[0]}.${a[1]}`.localeCompare(`${b[0]}.${b[1]}`))
    planned.set(chunk, {
      app: chunk.app,
      name: names.get(chunk) as string,
      dependencies: unique,
      operations: chunk.operations,
      initial: numbers.get(chunk) === 1,
    })
  }
  return applyOrder([...planned.values()])
}

function lateDependencies(chunk: Chunk, firstChanges: ReadonlyMap<string, readonly Operation[]>): ChangeDependency[] {
  const out: ChangeDependency[] = []
  for (const op of chunk.operations) {
    if (!(op instanceof AddField || op instanceof AlterField)) continue
    const target = relationTarget(op.field)
    if (target === undefined) continue
    const [on, model] = target.split('.') as [string, string]
    const onNew = (firstChanges.get(on) ?? []).some(
      (o) => o instanceof CreateModel && o.name.toLowerCase() === model.toLowerCase(),
    )
    out.push({ app: chunk.app, on, onNew })
  }
  return out
}

/** `model.field` keys an AddIndex / AddConstraint (unique) covers. */
function indexedFields(op: Operation): string[] {
  const fields =
    op instanceof AddIndex
      ? op.index.fields
      : op instanceof AddConstraint && op.constraint.kind === 'UniqueConstraint'
        ? op.constraint.fields
        : []
  const model = (op as AddIndex).modelName?.toLowerCase()
  return fields.map((f) => `${model}.${f.replace(/^-/, '')}`)
}

/** Apps that reach themselves through dependencies on new migrations. */
function appsInCycles(dependencies: readonly ChangeDependency[]): Set<string> {
  const edges = new Map<string, Set<string>>()
  for (const d of dependencies) {
    if (!d.onNew) continue
    edges.set(d.app, (edges.get(d.app) ?? new Set()).add(d.on))
  }
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>()
    const stack = [...(edges.get(from) ?? [])]
    while (stack.length > 0) {
      const app = stack.pop() as string
      if (app === to) return true
      if (seen.has(app)) continue
      seen.add(app)
      stack.push(...(edges.get(app) ?? []))
    }
    return false
  }
  return new Set([...edges.keys()].filter((app) => reaches(app, app)))
}

function splitCycles(changes: ReadonlyMap<string, readonly Operation[]>, fromState: ProjectState): Chunk[] {
  const cyclic = appsInCycles(changeDependencies(changes, fromState))
  if (cyclic.size === 0) {
    return [...changes].map(([app, operations]) => ({ app, operations: [...operations], late: false }))
  }
  const chunks: Chunk[] = []
  const firstChanges = new Map<string, Operation[]>()
  for (const [app, operations] of changes) {
    const moved = cyclic.has(app)
      ? operations.filter((op) => {
          if (!(op instanceof AddField || op instanceof AlterField)) return false
          const on = relationTarget(op.field)?.split('.')[0]
          return on !== undefined && on !== app && cyclic.has(on)
        })
      : []
    // an index or unique constraint on a moved field has to wait for it
    const movedFields = new Set(
      moved.map((op) => `${(op as AddField).modelName.toLowerCase()}.${(op as AddField).name}`),
    )
    const late = operations.filter((op) => moved.includes(op) || indexedFields(op).some((f) => movedFields.has(f)))
    const first = operations.filter((op) => !late.includes(op))
    firstChanges.set(app, first)
    chunks.push({ app, operations: first, late: false })
    if (late.length > 0) chunks.push({ app, operations: late, late: true })
  }
  const still = appsInCycles(changeDependencies(firstChanges, fromState))
  if (still.size > 0) {
    throw new MigrationError(
      `The new models of apps ${[...still].sort().join(', ')} point at each other in a way makemigrations cannot split. ` +
        'Run makemigrations for one app first with the relation to the other commented out, then again with it.',
    )
  }
  return chunks
}

/** Planned migrations ordered so each comes after the new migrations it depends on. */
function applyOrder(planned: readonly PlannedMigration[]): PlannedMigration[] {
  const byKey = new Map(planned.map((m) => [`${m.app}.${m.name}`, m] as const))
  const out: PlannedMigration[] = []
  const seen = new Set<string>()
  const visit = (m: PlannedMigration): void => {
    const key = `${m.app}.${m.name}`
    if (seen.has(key)) return
    seen.add(key)
    for (const [app, name] of m.dependencies) {
      const dep = byKey.get(`${app}.${name}`)
      if (dep !== undefined) visit(dep)
    }
    out.push(m)
  }
  for (const m of planned) visit(m)
  return out
}
