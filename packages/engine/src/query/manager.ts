import type { FieldMap, FilterOf, InitOf, OrderOf, ValuesRow } from '../models/model-types.js'
import type { Aggregate } from './aggregates.js'
import type { BulkCreateOptions } from './bulk.js'
import type { Expression } from './expressions.js'
import type { LockOptions } from './query-state.js'
import { type FilterArg, type QueryModel, QuerySet, type UsingOptions } from './queryset.js'

/**
 * `Model.objects`: the entry point of queries. Every method starts a fresh QuerySet.
 *
 * @example
 * ```ts
 * await Book.objects.filter({ title__icontains: 'go' }).count()
 * const book = await Book.objects.create({ title: 'Dune', authorId: 1 })
 * ```
 */
export class Manager<I, F extends FieldMap> {
  readonly #model: QueryModel

  constructor(model: QueryModel) {
    this.#model = model
  }

  /** A QuerySet over every row. */
  all(): QuerySet<I, F> {
    return new QuerySet<I, F>(this.#model)
  }

  none(): QuerySet<I, F> {
    return this.all().none()
  }

  filter(...args: FilterArg<F>[]): QuerySet<I, F> {
    return this.all().filter(...args)
  }

  exclude(...args: FilterArg<F>[]): QuerySet<I, F> {
    return this.all().exclude(...args)
  }

  orderBy(...fields: OrderOf<F>[]): QuerySet<I, F> {
    return this.all().orderBy(...fields)
  }

  distinct(): QuerySet<I, F> {
    return this.all().distinct()
  }

  limit(n: number): QuerySet<I, F> {
    return this.all().limit(n)
  }

  offset(n: number): QuerySet<I, F> {
    return this.all().offset(n)
  }

  selectRelated(...paths: string[]): QuerySet<I, F> {
    return this.all().selectRelated(...paths)
  }

  prefetchRelated(...paths: string[]): QuerySet<I, F> {
    return this.all().prefetchRelated(...paths)
  }

  only(...fields: (keyof F & string)[]): QuerySet<I, F> {
    return this.all().only(...fields)
  }

  defer(...fields: (keyof F & string)[]): QuerySet<I, F> {
    return this.all().defer(...fields)
  }

  values<K extends string>(...fields: K[]): QuerySet<I, F, ValuesRow<F, K>> {
    return this.all().values(...fields)
  }

  valuesList<K extends string>(...args: [...K[], { flat: true }]): QuerySet<I, F, ValuesRow<F, K>[K]>
  valuesList<K extends string>(...fields: K[]): QuerySet<I, F, unknown[]>
  valuesList(...args: unknown[]): QuerySet<I, F, unknown> {
    return (this.all().valuesList as (...a: unknown[]) => QuerySet<I, F, unknown>)(...args)
  }

  annotate(annotations: Record<string, Aggregate | Expression>): QuerySet<I, F> {
    return this.all().annotate(annotations)
  }

  selectForUpdate(options: LockOptions = {}): QuerySet<I, F> {
    return this.all().selectForUpdate(options)
  }

  /** Runs on `alias`, bypassing the routers (`{ sticky: false }` also skips read-after-write pinning). */
  using(alias: string, options: UsingOptions = {}): QuerySet<I, F> {
    return this.all().using(alias, options)
  }

  get(...args: FilterArg<F>[]): Promise<I> {
    return this.all().get(...args)
  }

  getOrNone(...args: FilterArg<F>[]): Promise<I | null> {
    return this.all().getOrNone(...args)
  }

  first(): Promise<I | null> {
    return this.all().first()
  }

  last(): Promise<I | null> {
    return this.all().last()
  }

  count(): Promise<number> {
    return this.all().count()
  }

  exists(): Promise<boolean> {
    return this.all().exists()
  }

  aggregate<A extends Record<string, Aggregate>>(aggregates: A): Promise<{ [K in keyof A]: number | null }> {
    return this.all().aggregate(aggregates)
  }

  create(values: InitOf<F>): Promise<I> {
    return this.all().create(values)
  }

  getOrCreate(lookup: FilterOf<F>, defaults?: Partial<InitOf<F>>): Promise<[I, boolean]> {
    return this.all().getOrCreate(lookup, defaults)
  }

  updateOrCreate(lookup: FilterOf<F>, defaults?: Partial<InitOf<F>>): Promise<[I, boolean]> {
    return this.all().updateOrCreate(lookup, defaults)
  }

  /** UPDATE every row (values may be F expressions); resolves to the number of rows. */
  update(values: Parameters<QuerySet<I, F>['update']>[0]): Promise<number> {
    return this.all().update(values)
  }

  bulkCreate(objects: readonly (I | InitOf<F>)[], options?: BulkCreateOptions): Promise<I[]> {
    return this.all().bulkCreate(objects, options)
  }

  bulkUpdate(
    objects: readonly I[],
    fields: readonly (keyof F & string)[],
    options?: { batchSize?: number },
  ): Promise<number> {
    return this.all().bulkUpdate(objects, fields, options)
  }

  inBulk(keys?: readonly unknown[], options?: { fieldName?: string }): Promise<Map<unknown, I>> {
    return this.all().inBulk(keys, options)
  }

  iterator(options?: { chunkSize?: number }): AsyncGenerator<I> {
    return this.all().iterator(options)
  }
}
