/**
 * Running a QuerySet's SELECT: compile, execute through `executeEager` (the result in the call
 * when the driver answered synchronously, as better-sqlite3 does on a free connection; a promise
 * otherwise), then turn the rows into instances, `values()` rows or `valuesList()` tuples. The
 * QuerySet's awaiting, `get()`, `first()`, `inBulk()` and `iterator()` all go through here.
 *
 * @example
 * ```ts
 * const rows = fetchRows(Book.objects.filter({ pages__gt: 3 }))
 * const books = rows instanceof Promise ? await rows : rows
 * ```
 */
import type { Row } from '../backends/base/base-connection.js'
import type { DatabaseConnection } from '../db/connection.js'
import { getConnection } from '../db/connection-registry.js'
import { inTransaction } from '../db/transaction.js'
import { DormError } from '../errors.js'
import { dialectFor } from './dialects.js'
import { QObject } from './expressions.js'
import { hydrateInstances, hydrateValues } from './hydrate.js'
import { pkGetStatement } from './pk-get-plan.js'
import { runPrefetch } from './prefetch.js'
import { isInitialState, type QueryState } from './query-state.js'
import type { QueryModel } from './queryset.js'
import { type CompiledSelect, compileSelect } from './statements.js'

/** What running a SELECT reads of a QuerySet: its state, and the alias it reads from. */
export interface SelectSource {
  readonly state: QueryState
  readAlias(): string
}

/**
 * The query's results, in the call when the statement ran synchronously, else a promise. May
 * throw (a bad filter, a lock outside `atomic()`).
 *
 * @example
 * ```ts
 * const rows = fetchRows(Book.objects.all())
 * ```
 */
export function fetchRows(source: SelectSource): unknown[] | Promise<unknown[]> {
  const state = source.state
  if (state.empty) return []
  if (state.prefetchedRows !== undefined) return [...state.prefetchedRows]
  const alias = source.readAlias()
  const connection = getConnection(alias)
  if (state.lock !== null && connection.vendor === 'postgresql' && !inTransaction(alias)) {
    throw new DormError(
      `selectForUpdate() on alias '${alias}' must run inside atomic(): the lock ends with the transaction.`,
      { code: 'TRANSACTION_REQUIRED' },
    )
  }
  return runSelect(state, compileSelect(state, dialectFor(connection.vendor)), connection, alias)
}

/**
 * {@link fetchRows} as a promise whatever happened (a throw becomes a rejection).
 *
 * @example
 * ```ts
 * const books = await fetchRowsLater(Book.objects.all())
 * ```
 */
export function fetchRowsLater(source: SelectSource): Promise<unknown[]> {
  try {
    const rows = fetchRows(source)
    return rows instanceof Promise ? rows : Promise.resolve(rows)
  } catch (err) {
    return Promise.reject(err)
  }
}

/**
 * `get({ pk })` (or `{ <pk attribute> }`) on an untouched QuerySet through the model's
 * precompiled pk statement (see pk-get-plan.ts); undefined when the call is anything else, for
 * the general path.
 *
 * @example
 * ```ts
 * const rows = fetchByPk(Book.objects.all(), { pk: 7 }) ?? fetchRows(Book.objects.filter({ pk: 7 }))
 * ```
 */
export function fetchByPk(source: SelectSource, arg: unknown): unknown[] | Promise<unknown[]> | undefined {
  const state = source.state
  if (typeof arg !== 'object' || arg === null || arg instanceof QObject || !isInitialState(state)) return undefined
  const keys = Object.keys(arg)
  if (keys.length !== 1) return undefined
  const key = keys[0] as string
  const value = (arg as Record<string, unknown>)[key]
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') return undefined
  const alias = source.readAlias()
  const connection = getConnection(alias)
  const compiled = pkGetStatement(state.model, key, value, dialectFor(connection.vendor))
  return compiled === undefined ? undefined : runSelect(state, compiled, connection, alias)
}

function runSelect(
  state: QueryState,
  compiled: CompiledSelect,
  connection: DatabaseConnection,
  alias: string,
): unknown[] | Promise<unknown[]> {
  const answer = connection.executeEager(compiled.sql, compiled.params)
  if (answer instanceof Promise) {
    return answer.then(({ rows }) => materialiseRows(state, rows, compiled.columns, connection.vendor, alias))
  }
  return materialiseRows(state, answer.rows, compiled.columns, connection.vendor, alias)
}

/**
 * Rows to results by the state's mode; a promise only when prefetch_related has queries to run.
 *
 * @example
 * ```ts
 * const books = await materialiseRows(state, rows, compiled.columns, 'sqlite', 'default')
 * ```
 */
export function materialiseRows(
  state: QueryState,
  rows: readonly Row[],
  columns: Parameters<typeof hydrateInstances>[1],
  vendor: Parameters<typeof hydrateInstances>[3],
  alias: string,
): unknown[] | Promise<unknown[]> {
  if (state.mode.kind === 'instances') {
    const instances = hydrateInstances(state, columns, rows, vendor, alias)
    if (state.prefetchRelated.length > 0) {
      return runPrefetch(state.model as QueryModel, instances, state.prefetchRelated, alias).then(() => instances)
    }
    return instances
  }
  const values = hydrateValues(state, columns, rows, vendor)
  if (state.mode.kind === 'values') return values
  const fields = columns.map((c) => c.alias)
  if (state.mode.flat) return values.map((v) => v[fields[0] as string])
  return values.map((v) => fields.map((f) => v[f]))
}
