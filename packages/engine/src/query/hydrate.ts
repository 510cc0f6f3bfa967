/**
 * Turns driver rows into model instances or `values()` rows. A plan per compiled column list
 * precomputes which columns need a conversion, so most columns are a plain property copy.
 */
import type { Row, Vendor } from '../backends/base/base-connection.js'
import { Field } from '../models/fields/field.js'
import { INSTANCE_STATE, InstanceState } from '../models/instance-state.js'
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

interface Plan {
  readonly base: ColumnStep[]
  readonly relations: RelationStep[]
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
  plan = { base, relations: [...relations.values()] }
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
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row
    const instance = newInstance(state.model, alias)
    fill(instance, row, plan.base, vendor)
    if (plan.relations.length > 0) {
      const byPath = new Map<string, Record<string, unknown>>([['', instance]])
      for (const relation of plan.relations) {
        const parent = byPath.get(relation.parent)
        if (parent === undefined) continue
        const parentState = (parent as { [INSTANCE_STATE]: InstanceState })[INSTANCE_STATE]
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

/** `values()` rows: plain objects keyed by the requested names, converted by their fields. */
export function hydrateValues(
  state: QueryState,
  columns: readonly SelectedColumn[],
  rows: readonly Row[],
  vendor: Vendor,
): Record<string, unknown>[] {
  const plan = planFor(state, columns)
  return rows.map((row) => {
    const out: Record<string, unknown> = {}
    for (const c of plan.base) {
      const raw = row[c.alias]
      out[c.alias] =
        c.convert === undefined || raw === null || raw === undefined ? (raw ?? null) : c.convert(raw, vendor)
    }
    return out
  })
}
