/**
 * The statement of `Model.objects.get({ pk: value })` (or `{ id: value }`), the most frequent query
 * of most apps, compiled once per model, key and vendor. The general path filters, clones the state
 * twice and walks the compile cache on every call; this one only prepares the one parameter, with
 * the same function the compiler uses, so values and errors are exactly the general path's.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { prepareLookupValue } from './compiler.js'
import type { Dialect } from './dialect.js'
import { type ResolvedPath, resolvePath } from './path-resolver.js'
import { changeState, initialState } from './query-state.js'
import { attributeOf, type CompiledSelect, compileSelect } from './statements.js'

interface PkGetPlan {
  readonly sql: string
  readonly columns: CompiledSelect['columns']
  readonly resolved: ResolvedPath
  /** The params after the pk's (PostgreSQL binds the LIMIT too). */
  readonly trailing: readonly unknown[]
}

/** Per model, per filter key ('pk' or the pk's attribute), per vendor; null: not a plain pk. */
const plans = new WeakMap<ModelClassLike, Map<string, Partial<Record<Vendor, PkGetPlan | null>>>>()

/**
 * The SELECT of `get({ [key]: value })` on an untouched QuerySet (LIMIT 2, no ordering, every
 * column), or undefined when the key is not the model's own pk (a relation as pk, another field):
 * then the caller takes the general path. Throws the general path's FieldError for a bad value.
 *
 * @example
 * ```ts
 * const statement = pkGetStatement(Book, 'pk', 42, sqliteDialect)
 * // { sql: 'SELECT ... WHERE "library_book"."id" = ? LIMIT 2', params: [42], columns: [...] }
 * ```
 */
export function pkGetStatement(
  model: ModelClassLike,
  key: string,
  value: unknown,
  dialect: Dialect,
): CompiledSelect | undefined {
  let byKey = plans.get(model)
  if (byKey === undefined) {
    byKey = new Map()
    plans.set(model, byKey)
  }
  let byVendor = byKey.get(key)
  if (byVendor === undefined) {
    if (key !== 'pk' && key !== attributeOf(model.meta.pk)) return undefined
    byVendor = {}
    byKey.set(key, byVendor)
  }
  const plan = byVendor[dialect.vendor]
  if (plan === null) return undefined
  if (plan !== undefined) {
    const params = [prepareLookupValue(plan.resolved, value, dialect.vendor), ...plan.trailing]
    return { sql: plan.sql, params, columns: plan.columns }
  }
  const resolved = resolvePath(model, key)
  if (resolved.joins.length > 0 || resolved.relationKey || resolved.transform !== undefined) {
    byVendor[dialect.vendor] = null
    return undefined
  }
  const state = changeState(initialState(model), {
    where: [{ kind: 'lookup', path: key, value }],
    limit: 2,
    ordering: [],
  })
  const compiled = compileSelect(state, dialect)
  // the WHERE binds first, so the pk is the first param
  byVendor[dialect.vendor] = {
    sql: compiled.sql,
    columns: compiled.columns,
    resolved,
    trailing: compiled.params.slice(1),
  }
  return compiled
}
