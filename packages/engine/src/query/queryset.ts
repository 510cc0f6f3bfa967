/**
 * QuerySet: an immutable, lazy, awaitable description of a query. Chain methods return new
 * QuerySets; terminal methods run SQL. Awaiting a QuerySet runs it and resolves to model instances
 * (or `values()` rows).
 */
import type { QueryResult } from '../backends/base/base-connection.js'
import { getConnection } from '../db/connection-registry.js'
import { emitDormEvent, hasDormEventListeners } from '../db/events.js'
import { markWrite, stickyAlias, writeMarks } from '../db/read-after-write.js'
import { dbForRead, dbForWrite } from '../db/router.js'
import { inTransaction } from '../db/transaction.js'
import { DoesNotExist, FieldError, type MultipleObjectsReturned } from '../errors.js'
import type { ModelClassLike } from '../models/model-meta.js'
import type {
  FieldMap,
  FilterOf,
  InitOf,
  ModelInitOf,
  ModelInstanceOf,
  OrderOf,
  ValuesRow,
} from '../models/model-types.js'
import { getModel } from '../models/registry.js'
import type { Aggregate } from './aggregates.js'
import { type BulkCreateOptions, bulkCreate, bulkUpdate } from './bulk.js'
import { dialectFor } from './dialects.js'
import { Expression, QObject } from './expressions.js'
import { getOrCreate, updateOrCreate } from './get-or-create.js'
import { fetchByPk, fetchRows, fetchRowsLater, materialiseRows } from './select-run.js'
import './prefetch-many-to-many.js'
import {
  changeState,
  initialState,
  type LockOptions,
  type QueryState,
  type WhereNode,
  whereFromQ,
} from './query-state.js'
import {
  annotationConverter,
  compileAggregate,
  compileCount,
  compileDelete,
  compileExists,
  compileSelect,
  compileUpdate,
} from './statements.js'

/**
 * The model class a QuerySet works on, as the query layer sees it. The constructor is typed through
 * `this`: a model class from `defineModel` (which extends this interface) inherits it typed by its
 * own fields, so it is no untyped fallback overload (`new Book({ nope: 1 })` stays an error and
 * `InstanceType<typeof Book>` is the instance type); seen as a bare QueryModel it takes anything.
 */
export interface QueryModel extends ModelClassLike {
  new (init?: ModelInitOf<this>): ModelInstanceOf<this>
  readonly DoesNotExist: new (message: string) => DoesNotExist
  readonly MultipleObjectsReturned: new (message: string) => MultipleObjectsReturned
}

/** Options of `using()`. */
export interface UsingOptions {
  /** false: read the given alias even right after a write (no read-after-write pinning). */
  sticky?: boolean
}

/** A filter argument: keyword filters or a Q object. */
export type FilterArg<F extends FieldMap> = FilterOf<F> | QObject

/**
 * A lazy, immutable query over model `I` with field map `F`, resolving to rows of type `R`.
 *
 * @example
 * ```ts
 * const page = await Book.objects.filter({ pages__gte: 100 }).orderBy('-publishedAt').limit(20)
 * const titles = await Book.objects.valuesList('title', { flat: true })
 * ```
 */
export class QuerySet<I, F extends FieldMap, R = I> implements PromiseLike<R[]> {
  readonly state: QueryState

  constructor(model: QueryModel | QueryState) {
    this.state = 'meta' in model ? initialState(model) : model
  }

  get model(): QueryModel {
    return this.state.model as QueryModel
  }

  #with<R2 = R>(changes: Partial<QueryState>): QuerySet<I, F, R2> {
    return new QuerySet<I, F, R2>(changeState(this.state, changes))
  }

  #filters(args: readonly FilterArg<F>[], negate: boolean): QuerySet<I, F, R> {
    const nodes: WhereNode[] = []
    for (const arg of args) {
      if (arg === undefined || arg === null) continue
      const node =
        arg instanceof QObject
          ? whereFromQ(arg.node)
          : whereFromQ({ kind: 'filters', filters: arg as Record<string, unknown> })
      if (node.kind === 'and' && node.children.length === 0) continue
      nodes.push(negate ? { kind: 'not', child: node } : node)
    }
    return nodes.length === 0 ? this : this.#with({ where: [...this.state.where, ...nodes] })
  }

  /** A copy of this QuerySet. */
  all(): QuerySet<I, F, R> {
    return this.#with({})
  }

  /** Matches nothing, without running a query. */
  none(): QuerySet<I, F, R> {
    return this.#with({ empty: true })
  }

  /** Keeps rows matching every argument (keyword lookups and/or Q objects). */
  filter(...args: FilterArg<F>[]): QuerySet<I, F, R> {
    return this.#filters(args, false)
  }

  /** Drops rows matching the arguments. */
  exclude(...args: FilterArg<F>[]): QuerySet<I, F, R> {
    return this.#filters(args, true)
  }

  /** Sorts by fields (`-field` descending, `?` random); replaces the model's default ordering. */
  orderBy(...fields: OrderOf<F>[]): QuerySet<I, F, R> {
    return this.#with({ ordering: [...fields] })
  }

  /** Reverses the ordering. */
  reverse(): QuerySet<I, F, R> {
    const ordering = this.state.ordering ?? this.state.model.meta.ordering
    const base = ordering.length > 0 ? ordering : [this.state.model.meta.pk.name]
    return this.#with({ ordering: base.map((o) => (o.startsWith('-') ? o.slice(1) : o === '?' ? o : `-${o}`)) })
  }

  /** SELECT DISTINCT. */
  distinct(): QuerySet<I, F, R> {
    return this.#with({ distinct: true })
  }

  /** At most `n` rows. */
  limit(n: number): QuerySet<I, F, R> {
    if (!Number.isInteger(n) || n < 0) throw new FieldError(`limit() takes a non-negative integer, got ${String(n)}.`)
    return this.#with({ limit: n })
  }

  /** Skips `n` rows. */
  offset(n: number): QuerySet<I, F, R> {
    if (!Number.isInteger(n) || n < 0) throw new FieldError(`offset() takes a non-negative integer, got ${String(n)}.`)
    return this.#with({ offset: n })
  }

  /** Loads forward relations in the same query with JOINs (`'author'`, `'author__publisher'`). */
  selectRelated(...paths: string[]): QuerySet<I, F, R> {
    return this.#with({ selectRelated: [...new Set([...this.state.selectRelated, ...paths])] })
  }

  /** Loads relations with one extra query per relation, whatever the number of rows. */
  prefetchRelated(...paths: string[]): QuerySet<I, F, R> {
    return this.#with({ prefetchRelated: [...new Set([...this.state.prefetchRelated, ...paths])] })
  }

  /** Loads only these fields (plus the pk); the others are undefined on instances. */
  only(...fields: (keyof F & string)[]): QuerySet<I, F, R> {
    return this.#with({ only: [...fields] })
  }

  /** Leaves these fields out of the SELECT. */
  defer(...fields: (keyof F & string)[]): QuerySet<I, F, R> {
    return this.#with({ defer: [...this.state.defer, ...fields] })
  }

  /** Plain objects instead of instances: `values('title', 'author__name')` (no names: every field). */
  values<K extends string>(...fields: K[]): QuerySet<I, F, ValuesRow<F, K>> {
    return this.#with<ValuesRow<F, K>>({ mode: { kind: 'values', fields } })
  }

  /** Tuples, or single values with `{ flat: true }` (one field only). */
  valuesList<K extends string>(...args: [...K[], { flat: true }]): QuerySet<I, F, ValuesRow<F, K>[K]>
  valuesList<K extends string>(...fields: K[]): QuerySet<I, F, unknown[]>
  valuesList(...args: unknown[]): QuerySet<I, F, unknown> {
    const last = args[args.length - 1]
    const flat = typeof last === 'object' && last !== null && (last as { flat?: boolean }).flat === true
    const fields = (flat || (typeof last === 'object' && last !== null) ? args.slice(0, -1) : args) as string[]
    if (flat && fields.length !== 1) {
      throw new FieldError(`valuesList(..., { flat: true }) takes exactly one field, got ${fields.length}.`)
    }
    return this.#with({ mode: { kind: 'valuesList', fields, flat } })
  }

  /** Adds computed columns (aggregates group by the selected fields). */
  annotate(annotations: Record<string, Aggregate | Expression>): QuerySet<I, F, R> {
    for (const [name, expr] of Object.entries(annotations)) {
      if (!(expr instanceof Expression))
        throw new FieldError(`annotate(): '${name}' must be an expression such as Count('books').`)
      if (this.state.model.meta.findField(name)) {
        throw new FieldError(
          `annotate(): '${name}' clashes with a field of ${this.state.model.meta.label}. Pick another name.`,
        )
      }
    }
    const mode = this.state.mode
    // values('a').annotate({ n }) rows carry n too (as Django); values() without names lists every column anyway
    const changes: Partial<QueryState> =
      mode.kind !== 'instances' && mode.fields.length > 0
        ? {
            mode: {
              ...mode,
              fields: [...mode.fields, ...Object.keys(annotations).filter((n) => !mode.fields.includes(n))],
            },
          }
        : {}
    return this.#with({ ...changes, annotations: { ...this.state.annotations, ...annotations } })
  }

  /** Locks the selected rows until the transaction ends (PostgreSQL; a no-op on SQLite, which locks the database). */
  selectForUpdate(options: LockOptions = {}): QuerySet<I, F, R> {
    if (options.skipLocked && options.noWait)
      throw new FieldError('selectForUpdate(): skipLocked and noWait cannot be combined.')
    return this.#with({ lock: options })
  }

  /** Runs on `alias`, bypassing the routers. */
  using(alias: string, options: UsingOptions = {}): QuerySet<I, F, R> {
    return this.#with({ alias, sticky: options.sticky ?? true })
  }

  // ---- running ----

  /**
   * The alias a read goes to: sticky write alias > using() > routers > 'default'. A locking read
   * (`selectForUpdate()`) is part of a write, so it goes where writes go: using() > dbForWrite.
   */
  readAlias(): string {
    const state = this.state
    if (state.lock !== null) return state.alias ?? dbForWrite(state.model)
    if (state.sticky) {
      const sticky = stickyAlias(state.model)
      if (sticky !== undefined) {
        if (hasDormEventListeners()) emitDormEvent({ type: 'sticky_pin', model: state.model.meta.label, alias: sticky })
        return sticky
      }
    }
    return state.alias ?? dbForRead(state.model)
  }

  /** The alias a write goes to: using() > routers > 'default'. */
  writeAlias(): string {
    return this.state.alias ?? dbForWrite(this.state.model)
  }

  /**
   * The SQL and params this QuerySet would run (on the alias it would read from).
   *
   * @example
   * ```ts
   * Book.objects.filter({ pages__gt: 3 }).toSQL() // { sql: 'SELECT ... WHERE "library_book"."pages" > $1', params: [3] }
   * ```
   */
  toSQL(): { sql: string; params: unknown[] } {
    const { sql, params } = compileSelect(this.state, dialectFor(getConnection(this.readAlias()).vendor))
    return { sql, params }
  }

  // biome-ignore lint/suspicious/noThenProperty: awaiting a QuerySet runs it, by design (as Django's iteration)
  then<T1 = R[], T2 = never>(
    onfulfilled?: ((value: R[]) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return (fetchRowsLater(this) as Promise<R[]>).then(onfulfilled, onrejected)
  }

  /** The one row matching the filters; DoesNotExist / MultipleObjectsReturned otherwise. */
  async get(...args: FilterArg<F>[]): Promise<R> {
    // two rows are enough to know there is more than one
    const fetched = ((args.length === 1 ? fetchByPk(this, args[0]) : undefined) ??
      fetchRows((args.length > 0 ? this.filter(...args) : this).#with({ limit: 2, ordering: [] }))) as
      | R[]
      | Promise<R[]>
    const rows = fetched instanceof Promise ? await fetched : fetched
    if (rows.length === 1) return rows[0] as R
    const qs = args.length > 0 ? this.filter(...args) : this
    const label = this.state.model.meta.label
    const described = describeFilters(qs.state.where)
    if (rows.length === 0) throw new this.model.DoesNotExist(`${label} matching ${described} does not exist.`)
    throw new this.model.MultipleObjectsReturned(
      `get() returned more than one ${label} matching ${described}; make the filters unique or use filter().`,
    )
  }

  /** The one row matching, or null when none (MultipleObjectsReturned still applies). */
  async getOrNone(...args: FilterArg<F>[]): Promise<R | null> {
    try {
      return await this.get(...args)
    } catch (err) {
      if (err instanceof DoesNotExist) return null
      throw err
    }
  }

  /** The first row by the ordering (the pk when unordered), or null. */
  async first(): Promise<R | null> {
    const ordered =
      (this.state.ordering ?? this.state.model.meta.ordering).length > 0 ? this : this.orderBy('pk' as OrderOf<F>)
    const rows = await fetchRowsLater(ordered.#with({ limit: 1 }))
    return (rows[0] as R | undefined) ?? null
  }

  /** The last row by the ordering (the pk when unordered), or null. */
  async last(): Promise<R | null> {
    return this.reverse().first()
  }

  /** SELECT COUNT(*). */
  async count(): Promise<number> {
    if (this.state.empty) return 0
    const alias = this.readAlias()
    const connection = getConnection(alias)
    const { sql, params } = compileCount(this.state, dialectFor(connection.vendor))
    const { rows } = await connection.execute(sql, params)
    return Number(rows[0]?.count ?? 0)
  }

  /** Whether any row matches (SELECT 1 ... LIMIT 1). */
  async exists(): Promise<boolean> {
    if (this.state.empty) return false
    const connection = getConnection(this.readAlias())
    const { sql, params } = compileExists(this.state, dialectFor(connection.vendor))
    const { rows } = await connection.execute(sql, params)
    return rows.length > 0
  }

  /**
   * Aggregates over the matching rows.
   *
   * @example
   * ```ts
   * const { total } = await Book.objects.aggregate({ total: Sum('pages') })
   * ```
   */
  async aggregate<A extends Record<string, Aggregate>>(aggregates: A): Promise<{ [K in keyof A]: number | null }> {
    const connection = getConnection(this.readAlias())
    const { sql, params } = compileAggregate(this.state, dialectFor(connection.vendor), aggregates)
    const { rows } = await connection.execute(sql, params)
    const row = rows[0] ?? {}
    const out: Record<string, number | null> = {}
    for (const [name, agg] of Object.entries(aggregates)) {
      const value = row[name]
      const convert = annotationConverter(this.state.model, agg)
      out[name] =
        value === null || value === undefined
          ? null
          : ((convert?.(value, connection.vendor) ?? Number(value)) as number)
    }
    return out as { [K in keyof A]: number | null }
  }

  /** Inserts one row and returns the instance. */
  async create(values: InitOf<F>): Promise<I> {
    const instance = new this.model(values)
    await instance.save({ using: this.state.alias ?? undefined, forceInsert: true })
    return instance as I
  }

  /**
   * Fetches the row matching `lookup`, or creates it with `lookup` + `defaults`. On PostgreSQL a
   * concurrent create that wins the race is picked up (the unique violation is caught inside a
   * savepoint and the row fetched again). Resolves to `[instance, created]`.
   */
  getOrCreate(lookup: FilterOf<F>, defaults: Partial<InitOf<F>> = {}): Promise<[I, boolean]> {
    return getOrCreate(this, lookup, defaults)
  }

  /** Updates the row matching `lookup` with `defaults`, or creates it. Resolves to `[instance, created]`. */
  updateOrCreate(lookup: FilterOf<F>, defaults: Partial<InitOf<F>> = {}): Promise<[I, boolean]> {
    return updateOrCreate(this, lookup, defaults)
  }

  /**
   * UPDATE the matching rows (values may be F expressions); resolves to the number of rows.
   *
   * @example
   * ```ts
   * await Book.objects.filter({ pages__lt: 10 }).update({ pages: F('pages').add(1) })
   * ```
   */
  async update(values: Partial<{ [K in keyof InitOf<F>]: InitOf<F>[K] | Expression }>): Promise<number> {
    if (this.state.empty) return 0
    const marks = writeMarks()
    const alias = this.writeAlias()
    const connection = getConnection(alias)
    const withAuto = { ...autoNowValues(this.state.model), ...(values as Record<string, unknown>) }
    const { sql, params } = compileUpdate(this.state, dialectFor(connection.vendor), withAuto)
    const result = await connection.execute(sql, params)
    markWrite(marks, this.state.model, alias)
    return result.rowCount
  }

  /**
   * DELETE the matching rows, applying each relation's onDelete (CASCADE, PROTECT, SET_NULL, ...)
   * and sending preDelete/postDelete; resolves to the number of rows deleted per model label.
   */
  async delete(): Promise<{ deleted: number; perModel: Record<string, number> }> {
    if (this.state.empty) return { deleted: 0, perModel: {} }
    const marks = writeMarks()
    const alias = this.writeAlias()
    const { collectAndDelete } = await import('./deletion.js')
    const result = await collectAndDelete(this as unknown as QuerySet<unknown, FieldMap>, alias)
    markWrite(marks, this.state.model, alias)
    // cascaded deletes wrote to other models too: their reads must see it
    for (const label of Object.keys(result.perModel)) {
      const model = getModel(label)
      if (model !== undefined) markWrite(marks, model, alias)
    }
    return result
  }

  /** Plain DELETE of the matching rows, with no onDelete handling or signals (used by the collector). */
  async rawDelete(alias: string): Promise<number> {
    const connection = getConnection(alias)
    const { sql, params } = compileDelete(this.state, dialectFor(connection.vendor))
    const result: QueryResult = await connection.execute(sql, params)
    return result.rowCount
  }

  /**
   * Inserts many rows in batches with one statement each; returns the instances with their new
   * ids (RETURNING on PostgreSQL and SQLite). `ignoreConflicts` skips rows that violate a unique
   * constraint (their ids stay unset).
   */
  async bulkCreate(objects: readonly (I | InitOf<F>)[], options: BulkCreateOptions = {}): Promise<I[]> {
    const marks = writeMarks()
    const alias = this.writeAlias()
    const created = await bulkCreate(this.model, objects as unknown[], alias, options)
    markWrite(marks, this.state.model, alias)
    return created as I[]
  }

  /** Updates `fields` of many instances with one statement per batch; resolves to the rows updated. */
  async bulkUpdate(
    objects: readonly I[],
    fields: readonly (keyof F & string)[],
    options: { batchSize?: number } = {},
  ): Promise<number> {
    const marks = writeMarks()
    const alias = this.writeAlias()
    const updated = await bulkUpdate(this.model, objects as unknown[], fields, alias, options)
    markWrite(marks, this.state.model, alias)
    return updated
  }

  /** A map of pk (or `fieldName`, which must be unique) to instance for the given keys. */
  async inBulk(keys?: readonly unknown[], options: { fieldName?: string } = {}): Promise<Map<unknown, I>> {
    const fieldName = options.fieldName ?? 'pk'
    const field = this.state.model.meta.findField(fieldName)
    if (field === undefined || !field.unique) {
      throw new FieldError(`inBulk(): '${fieldName}' must be a unique field of ${this.state.model.meta.label}.`)
    }
    if (keys !== undefined && keys.length === 0) return new Map()
    const qs = keys === undefined ? this : this.filter({ [`${fieldName}__in`]: [...keys] } as FilterOf<F>)
    const rows = (await fetchRowsLater(qs.#with<I>({ mode: { kind: 'instances' } }))) as Array<Record<string, unknown>>
    const attribute = fieldName === 'pk' ? this.state.model.meta.pk.name : fieldName
    return new Map(rows.map((row) => [row[attribute], row as unknown as I]))
  }

  /**
   * Streams the rows in chunks: a server-side cursor on PostgreSQL, so memory stays flat whatever
   * the row count. Inside `atomic()` (where a cursor cannot get its own transaction) it reads in
   * LIMIT/OFFSET pages of `chunkSize` on the transaction's connection instead (ordered by the pk
   * after the query's own ordering, so ties cannot repeat or skip rows between pages).
   */
  async *iterator(options: { chunkSize?: number } = {}): AsyncGenerator<R> {
    const chunkSize = options.chunkSize ?? 2000
    const state = this.state
    if (state.empty) return
    if (state.prefetchRelated.length > 0) {
      // prefetch works per chunk: fetch a chunk of instances, prefetch it, yield it
      for await (const chunk of this.#pages(chunkSize)) yield* chunk
      return
    }
    const alias = this.readAlias()
    const connection = getConnection(alias)
    if (inTransaction(alias)) {
      for await (const chunk of this.#pages(chunkSize)) yield* chunk
      return
    }
    const compiled = compileSelect(state, dialectFor(connection.vendor))
    // the driver's chunks (one cursor fetch each) become instances a chunk at a time
    for await (const chunk of connection.executeStreamingChunks(compiled.sql, compiled.params, { chunkSize })) {
      yield* (await materialiseRows(state, chunk, compiled.columns, connection.vendor, alias)) as R[]
    }
  }

  async *#pages(chunkSize: number): AsyncGenerator<R[]> {
    const state = this.state
    const ordering = state.ordering ?? state.model.meta.ordering
    const pkName = state.model.meta.pk.name
    const hasPk = ordering.some((o) => ['pk', pkName].includes(o.replace(/^-/, '')))
    // pages need a total order; DISTINCT and grouped values() rows cannot be ordered by a column they lack
    const canAddPk = !state.distinct && (state.mode.kind === 'instances' || Object.keys(state.annotations).length === 0)
    const base = hasPk || !canAddPk ? this : this.orderBy(...([...ordering, 'pk'] as OrderOf<F>[]))
    for (let offset = this.state.offset ?? 0; ; offset += chunkSize) {
      const remaining =
        this.state.limit === null
          ? chunkSize
          : Math.min(chunkSize, this.state.limit - (offset - (this.state.offset ?? 0)))
      if (remaining <= 0) return
      const rows = (await fetchRowsLater(base.#with({ offset, limit: remaining }))) as R[]
      if (rows.length > 0) yield rows
      if (rows.length < remaining) return
    }
  }

  /**
   * The planner's view of this query: PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)` with
   * `{ analyze: true }`, SQLite `EXPLAIN QUERY PLAN`. Resolves to the plan as text.
   */
  async explain(options: { analyze?: boolean } = {}): Promise<string> {
    const connection = getConnection(this.readAlias())
    const dialect = dialectFor(connection.vendor)
    const { sql, params } = compileSelect(this.state, dialect)
    const { rows } = await connection.execute(dialect.explain(sql, options), params)
    if (connection.vendor === 'postgresql') return rows.map((r) => String(r['QUERY PLAN'])).join('\n')
    return rows.map((r) => `${'  '.repeat(Number(r.parent ? 1 : 0))}${String(r.detail)}`).join('\n')
  }
}

function describeFilters(where: readonly WhereNode[]): string {
  const parts: string[] = []
  const walk = (node: WhereNode): void => {
    if (node.kind === 'lookup')
      parts.push(`${node.path}=${JSON.stringify(node.value instanceof Expression ? 'F(...)' : node.value)}`)
    else if (node.kind === 'not') walk(node.child)
    else for (const c of node.children) walk(c)
  }
  for (const n of where) walk(n)
  return parts.length > 0 ? `{ ${parts.join(', ')} }` : 'the query'
}

/** autoNow fields get the current time on every update(). */
function autoNowValues(model: ModelClassLike): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of model.meta.concreteFields) {
    const preSave = (field as unknown as { preSave?: (isInsert: boolean) => unknown; autoNow?: boolean }).preSave
    if ((field as unknown as { autoNow?: boolean }).autoNow === true && typeof preSave === 'function') {
      out[field.name] = preSave.call(field, false)
    }
  }
  return out
}
