import type { ModelClassLike } from '../models/model-meta.js'
import type { Aggregate } from './aggregates.js'
import type { Expression, QNode } from './expressions.js'

/** A filter condition tree: lookups combined with AND / OR / NOT. */
export type WhereNode =
  | { readonly kind: 'lookup'; readonly path: string; readonly value: unknown }
  | { readonly kind: 'and' | 'or'; readonly children: readonly WhereNode[] }
  | { readonly kind: 'not'; readonly child: WhereNode }

/** How rows come back. */
export type ResultMode =
  | { readonly kind: 'instances' }
  | { readonly kind: 'values'; readonly fields: readonly string[] }
  | { readonly kind: 'valuesList'; readonly fields: readonly string[]; readonly flat: boolean }

/** Row locking of `selectForUpdate()`. */
export interface LockOptions {
  readonly skipLocked?: boolean
  readonly noWait?: boolean
  readonly of?: readonly string[]
}

/**
 * Everything a QuerySet describes. Immutable: every chain method makes a new state.
 */
export interface QueryState {
  readonly model: ModelClassLike
  readonly where: readonly WhereNode[]
  /** null = the model's default ordering. */
  readonly ordering: readonly string[] | null
  readonly limit: number | null
  readonly offset: number | null
  readonly distinct: boolean
  readonly selectRelated: readonly string[]
  readonly prefetchRelated: readonly string[]
  readonly only: readonly string[] | null
  readonly defer: readonly string[]
  readonly mode: ResultMode
  readonly annotations: Readonly<Record<string, Aggregate | Expression>>
  readonly lock: LockOptions | null
  /** `using(alias)`: bypasses the routers. */
  readonly alias: string | null
  /** `using(alias, { sticky: false })` turns read-after-write pinning off. */
  readonly sticky: boolean
  /** `none()`: matches nothing without a query. */
  readonly empty: boolean
  /** Rows already loaded by prefetchRelated (a reverse manager's `all()`); any further chaining drops them. */
  readonly prefetchedRows?: readonly unknown[] | undefined
}

const initialStates = new WeakMap<ModelClassLike, QueryState>()

/**
 * The state of `Model.objects.all()`: one frozen object per model, since states never change (every
 * chain method makes a new one), so "is this an untouched QuerySet" is an identity check.
 */
export function initialState(model: ModelClassLike): QueryState {
  let state = initialStates.get(model)
  if (state === undefined) {
    state = Object.freeze({
      model,
      where: Object.freeze([]),
      ordering: null,
      limit: null,
      offset: null,
      distinct: false,
      selectRelated: Object.freeze([]),
      prefetchRelated: Object.freeze([]),
      only: null,
      defer: Object.freeze([]),
      mode: Object.freeze({ kind: 'instances' }),
      annotations: Object.freeze({}),
      lock: null,
      alias: null,
      sticky: true,
      empty: false,
      prefetchedRows: undefined,
    }) as QueryState
    initialStates.set(model, state)
  }
  return state
}

/**
 * Whether `state` is its model's untouched `all()` state (see {@link initialState}).
 *
 * @example
 * ```ts
 * isInitialState(Book.objects.all().state) // true
 * isInitialState(Book.objects.filter({ pk: 1 }).state) // false
 * ```
 */
export function isInitialState(state: QueryState): boolean {
  return initialStates.get(state.model) === state
}

/**
 * A copy of `state` with `changes` applied. Written out field by field: an object literal with a
 * fixed shape is several times faster to build than a spread, and every chain call makes one.
 */
export function changeState(state: QueryState, changes: Partial<QueryState>): QueryState {
  const next: QueryState = {
    model: state.model,
    where: state.where,
    ordering: state.ordering,
    limit: state.limit,
    offset: state.offset,
    distinct: state.distinct,
    selectRelated: state.selectRelated,
    prefetchRelated: state.prefetchRelated,
    only: state.only,
    defer: state.defer,
    mode: state.mode,
    annotations: state.annotations,
    lock: state.lock,
    alias: state.alias,
    sticky: state.sticky,
    empty: state.empty,
    prefetchedRows: undefined,
  }
  return Object.assign(next, changes)
}

/** Turns `filter()` arguments (keyword filters or Q objects) into where nodes. */
export function whereFromQ(node: QNode): WhereNode {
  switch (node.kind) {
    case 'filters': {
      const children: WhereNode[] = Object.entries(node.filters).map(([path, value]) => ({
        kind: 'lookup',
        path,
        value,
      }))
      return children.length === 1 ? (children[0] as WhereNode) : { kind: 'and', children }
    }
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map(whereFromQ) }
    case 'not':
      return { kind: 'not', child: whereFromQ(node.child) }
  }
}
