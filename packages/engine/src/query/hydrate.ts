/**
 * Turns driver rows into model instances or `values()` rows. A plan per compiled column list
 * precomputes which columns need a conversion, so most columns are a plain property copy.
 */
import type { Row, Vendor } from '../backends/base/base-connection.js'
import { Field } from '../models/fields/field.js'
import { INSTANCE_STATE, InstanceState, instanceState } from '../models/instance-state.js'
import type { ModelClassLike } from '../models/model-meta.js'
import type { SelectedColumn } from './compiler.js'
import { joinsForRelation } from './path-resolver.js'
import type { QueryState } from './query-state.js'
import { attributeOf } from './statements.js'

interface ColumnStep {
  readonly key: string
  readonly alias: string
  readonly convert: ((value: unknown, vendor: Vendor) => unknown) | undefined
}

interface RelationStep {
  readonly path: string
  readonly name: string
  readonly parent: string
  readonly model: ModelClassLike
  readonly pkAlias: string
  readonly columns: ColumnStep[]
}

/** Builds one instance (or values row) from a driver row: generated per column list, see {@link compileBuilders}. */
type InstanceBuilder = new (row: Row, state: InstanceState, vendor: Vendor) => Record<string, unknown>
type ValuesBuilder = (row: Row, vendor: Vendor) => Record<string, unknown>

interface Plan {
  readonly base: ColumnStep[]
  readonly relations: RelationStep[]
  readonly buildInstance: InstanceBuilder
  readonly buildValues: ValuesBuilder
}

/**
 * Generates, once per column list, a constructor that copies each column into its property and a
 * function that builds a values() object literal. Straight-line property stores with a fixed order
 * let V8 give every row the same hidden class with in-object properties: about twice as fast as a
 * loop over the columns. Property names go through JSON.stringify, so no column name can inject code.
 */
function compileBuilders(
  model: ModelClassLike,
  base: readonly ColumnStep[],
): Pick<Plan, 'buildInstance' | 'buildValues'> {
  const converters = base.map((c) => c.convert)
  const read = (c: ColumnStep, i: number) =>
    c.convert === undefined
      ? `(v = row[${JSON.stringify(c.alias)}]) === undefined ? null : v`
      : `(v = row[${JSON.stringify(c.alias)}]) === null || v === undefined ? null : conv[${i}](v, vendor)`
  const stores = base.map((c, i) => `this[${JSON.stringify(c.key)}] = ${read(c, i)};`).join('\n')
  const literal = base.map((c, i) => `${JSON.stringify(c.alias)}: ${read(c, i)}`).join(',\n')
  const factory = new Function(
    'S',
    'conv',
    `function Row(row, state, vendor) { let v; this[S] = state;\n${stores}\n}\n` +
      `function values(row, vendor) { let v; return {\n${literal}\n} }\n` +
      'return [Row, values]',
  ) as (symbol: symbol, conv: unknown[]) => [InstanceBuilder, ValuesBuilder]
  const [Row, values] = factory(INSTANCE_STATE, converters)
  Row.prototype = model.prototype
  return { buildInstance: Row, buildValues: values }
}

const plans = new WeakMap<readonly SelectedColumn[], Plan>()
const baseFromDb = Field.prototype.fromDb

function step(column: SelectedColumn, key: string): ColumnStep {
  const field = column.field
  // fields that keep the driver's value as is skip the call entirely
  const convert =
    field !== undefined && field.fromDb !== baseFromDb
      ? (v: unknown, vendor: Vendor) => field.fromDb(v, vendor)
      : column.convert
  return { key, alias: column.alias, convert }
}

function planFor(state: QueryState, columns: readonly SelectedColumn[]): Plan {
  let plan = plans.get(columns)
  if (plan !== undefined) return plan
  const base: ColumnStep[] = []
  const relations = new Map<string, RelationStep>()
  for (const column of columns) {
    if (column.field === undefined || column.relation.startsWith('=')) {
      base.push(step(column, column.alias))
      continue
    }
    if (column.relation === '') {
      base.push(step(column, attributeOf(column.field)))
      continue
    }
    let relation = relations.get(column.relation)
    if (relation === undefined) {
      const joins = joinsForRelation(state.model, column.relation)
      const model = (joins[joins.length - 1] as (typeof joins)[number]).model
      const cut = column.relation.lastIndexOf('__')
      relation = {
        path: column.relation,
        name: cut < 0 ? column.relation : column.relation.slice(cut + 2),
        parent: cut < 0 ? '' : column.relation.slice(0, cut),
        model,
        pkAlias: `${column.relation}__${attributeOf(model.meta.pk)}`,
        columns: [],
      }
      relations.set(column.relation, relation)
    }
    relation.columns.push(step(column, attributeOf(column.field)))
  }
  plan = { base, relations: [...relations.values()], ...compileBuilders(state.model, base) }
  plans.set(columns, plan)
  return plan
}

function newInstance(model: ModelClassLike, alias: string): Record<string, unknown> {
  const instance = Object.create(model.prototype) as Record<string | symbol, unknown>
  instance[INSTANCE_STATE] = new InstanceState(false, alias)
  return instance as Record<string, unknown>
}

function fill(target: Record<string, unknown>, row: Row, columns: readonly ColumnStep[], vendor: Vendor): void {
  for (const c of columns) {
    const raw = row[c.alias]
    target[c.key] =
      c.convert === undefined || raw === null || raw === undefined ? (raw ?? null) : c.convert(raw, vendor)
  }
}

/**
 * Model instances from rows of a compiled SELECT, with selectRelated objects attached.
 *
 * @example
 * ```ts
 * const books = hydrateInstances(state, compiled.columns, rows, 'postgresql', 'default')
 * ```
 */
export function hydrateInstances(
  state: QueryState,
  columns: readonly SelectedColumn[],
  rows: readonly Row[],
  vendor: Vendor,
  alias: string,
): unknown[] {
  const plan = planFor(state, columns)
  const out = new Array<unknown>(rows.length)
  // every row shares one read state until something asks for its own (instanceState copies it)
  const shared = new InstanceState(false, alias, true)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row
    const instance = new plan.buildInstance(row, shared, vendor)
    if (plan.relations.length > 0) {
      const byPath = new Map<string, Record<string, unknown>>([['', instance]])
      for (const relation of plan.relations) {
        const parent = byPath.get(relation.parent)
        if (parent === undefined) continue
        const parentState = instanceState(parent)
        if (row[relation.pkAlias] === null || row[relation.pkAlias] === undefined) {
          parentState.related.set(relation.name, null)
          continue
        }
        const related = newInstance(relation.model, alias)
        fill(related, row, relation.columns, vendor)
        parentState.related.set(relation.name, related)
        byPath.set(relation.path, related)
      }
    }
    out[i] = instance
  }
  return out
}

/**
 * Whether the driver's rows can serve as `values()` rows themselves: plain objects (pg and
 * better-sqlite3 build them; libsql's rows are array-like) keyed exactly by the requested names,
 * which the compiler uses as column aliases.
 */
function rowsAreValues(plan: Plan, first: Row, vendor: Vendor): boolean {
  if (vendor === 'libsql' || Object.getPrototypeOf(first) !== Object.prototype) return false
  const keys = Object.keys(first)
  return keys.length === plan.base.length && plan.base.every((c, i) => keys[i] === c.alias)
}

/**
 * `values()` rows: plain objects keyed by the requested names, converted by their fields. When the
 * driver's rows already have that shape they are converted in place rather than copied: one object
 * per row instead of two, which is most of the cost of a large values() fetch.
 */
export function hydrateValues(
  state: QueryState,
  columns: readonly SelectedColumn[],
  rows: readonly Row[],
  vendor: Vendor,
): Record<string, unknown>[] {
  const plan = planFor(state, columns)
  if (rows.length > 0 && rowsAreValues(plan, rows[0] as Row, vendor)) {
    // the drivers give every selected column a value (null, never undefined): only conversions remain
    const steps = plan.base.filter((c) => c.convert !== undefined)
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Row
      for (let j = 0; j < steps.length; j++) {
        const step = steps[j] as ColumnStep
        const raw = row[step.alias]
        if (raw !== null && raw !== undefined)
          row[step.alias] = (step.convert as NonNullable<ColumnStep['convert']>)(raw, vendor)
      }
    }
    return rows as Record<string, unknown>[]
  }
  const out = new Array<Record<string, unknown>>(rows.length)
  for (let i = 0; i < rows.length; i++) out[i] = plan.buildValues(rows[i] as Row, vendor)
  return out
}
