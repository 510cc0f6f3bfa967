/**
 * Type-level plumbing: how a field map becomes row, init, filter and values types. Nothing here
 * exists at run time.
 */
import type { AnyField, Field } from './fields/field.js'
import type { Instance } from './model.js'

/** The value a field holds on an instance: `T`, or `T | null` for `null: true` fields. */
export type FieldValue<F> =
  F extends Field<infer T, infer N, boolean, boolean> ? (N extends true ? T | null : T) : never

/** A map of field name to field. */
export type FieldMap = Record<string, AnyField>

/** Keys of fields that relate to another row (ForeignKey, OneToOneField). */
export type ForeignKeyNames<F extends FieldMap> = {
  [K in keyof F]: F[K] extends { readonly __relation: 'fk' } ? K : never
}[keyof F] &
  string

/** Keys of many-to-many fields (no column; a manager on the instance). */
export type ManyToManyNames<F extends FieldMap> = {
  [K in keyof F]: F[K] extends { readonly __relation: 'm2m' } ? K : never
}[keyof F] &
  string

/** Keys of plain (non-relation) fields. */
export type ScalarNames<F extends FieldMap> = Exclude<keyof F & string, ForeignKeyNames<F> | ManyToManyNames<F>>

/** Whether the map declares its own primary key. */
type HasOwnPk<F extends FieldMap> = {
  [K in keyof F]: F[K] extends { readonly __pk: true } ? K : never
}[keyof F] extends never
  ? false
  : true

/** The raw key type of a related model (its pk value). */
export type PkValue = number | string

/** The implicit `id` of models without their own primary key. */
export type ImplicitId<F extends FieldMap> = HasOwnPk<F> extends true ? unknown : { id: number }

/** `author` -> `authorId` for every ForeignKey / OneToOneField. */
export type ForeignKeyIds<F extends FieldMap> = {
  [K in ForeignKeyNames<F> as `${K}Id`]: F[K] extends { readonly __null: infer N }
    ? N extends true
      ? PkValue | null
      : PkValue
    : never
}

/** The data of a row: every concrete field plus `<fk>Id` keys and `id`. */
export type RowOf<F extends FieldMap> = {
  [K in Exclude<keyof F & string, ManyToManyNames<F>>]: FieldValue<F[K]>
} & ForeignKeyIds<F> &
  ImplicitId<F>

/** Fields that must be given when creating: not null, no default, not generated, not a relation given by id. */
type RequiredInitKeys<F extends FieldMap> = {
  [K in Exclude<keyof F & string, ManyToManyNames<F>>]: F[K] extends {
    readonly __null: infer N
    readonly __default: infer D
  }
    ? N extends true
      ? never
      : D extends true
        ? never
        : K extends ForeignKeyNames<F>
          ? never
          : K
    : never
}[Exclude<keyof F & string, ManyToManyNames<F>>]

/**
 * What `new Model({...})`, `create({...})` and `getOrCreate({ defaults })` accept: required fields
 * without defaults, everything else optional, a relation by instance (`author`) or by key
 * (`authorId`).
 */
export type InitOf<F extends FieldMap> = { [K in RequiredInitKeys<F>]: FieldValue<F[K]> } & {
  [K in Exclude<keyof F & string, RequiredInitKeys<F> | ManyToManyNames<F>>]?: FieldValue<F[K]>
} & { [K in keyof ForeignKeyIds<F>]?: ForeignKeyIds<F>[K] } & { pk?: PkValue } & (HasOwnPk<F> extends true
    ? unknown
    : { id?: number })

/** Lookups that compare with a value of the field's own type. */
export type ComparisonLookup = 'exact' | 'gt' | 'gte' | 'lt' | 'lte'
/** Lookups that take a string pattern. */
export type TextLookup =
  | 'iexact'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'istartswith'
  | 'endswith'
  | 'iendswith'
  | 'regex'
  | 'iregex'
/** Date part transforms. */
export type DateTransform = 'year' | 'month' | 'day'

type LookupValue<V, L extends string> = L extends ComparisonLookup
  ? V | ExpressionLike
  : L extends 'in'
    ? readonly Exclude<V, null>[]
    : L extends 'range'
      ? readonly [Exclude<V, null>, Exclude<V, null>]
      : L extends 'isnull'
        ? boolean
        : L extends TextLookup
          ? string
          : L extends DateTransform | `${DateTransform}__${ComparisonLookup}`
            ? number
            : L extends `${DateTransform}__in`
              ? readonly number[]
              : L extends 'date'
                ? string | Date
                : never

/** Anything usable as a query expression (F, aggregates): checked at run time. */
export interface ExpressionLike {
  readonly __expression: true
}

type ScalarLookups<K extends string, V> = {
  [L in
    | ComparisonLookup
    | TextLookup
    | 'in'
    | 'range'
    | 'isnull'
    | 'date'
    | DateTransform
    | `${DateTransform}__${ComparisonLookup | 'in'}` as `${K}__${L}`]?: LookupValue<V, L>
}

/**
 * The keyword arguments of `filter()` / `exclude()` / `get()`: `field`, `field__lookup`, `pk`,
 * `<fk>Id`, and `<relation>__...` spanning into related models (checked at run time).
 */
export type FilterOf<F extends FieldMap> = {
  [K in Exclude<keyof F & string, ManyToManyNames<F>>]?: FieldValue<F[K]> | ExpressionLike
} & {
  [K in keyof ForeignKeyIds<F>]?: ForeignKeyIds<F>[K]
} & UnionToIntersection<{ [K in ScalarNames<F>]: ScalarLookups<K, FieldValue<F[K]>> }[ScalarNames<F>]> & {
    [K in ForeignKeyNames<F> | ManyToManyNames<F> as `${K}__${string}`]?: unknown
  } & {
    pk?: PkValue
    pk__in?: readonly PkValue[]
  } & (HasOwnPk<F> extends true
    ? unknown
    : {
        id?: number
        id__in?: readonly number[]
        id__gt?: number
        id__gte?: number
        id__lt?: number
        id__lte?: number
      })

// biome-ignore lint/suspicious/noExplicitAny: the standard union-to-intersection trick
type UnionToIntersection<U> = (U extends any ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** Field names usable in `orderBy`: `name`, `-name`, `?` (random), relation paths. */
export type OrderOf<F extends FieldMap> =
  | (keyof RowOf<F> & string)
  | `-${keyof RowOf<F> & string}`
  | `${ForeignKeyNames<F>}__${string}`
  | `-${ForeignKeyNames<F>}__${string}`
  | 'pk'
  | '-pk'
  | '?'

/**
 * What the constructor of model class `M` takes and builds: typed by its field map for a class from
 * `defineModel`, anything for a model class seen only as the query layer's `QueryModel`.
 */
// biome-ignore lint/suspicious/noExplicitAny: an untyped model class builds and takes anything
export type ModelInitOf<M> = M extends { readonly fields: infer F extends FieldMap } ? InitOf<F> : any
/** The instance type of model class `M` (see {@link ModelInitOf}). */
// biome-ignore lint/suspicious/noExplicitAny: an untyped model class builds and takes anything
export type ModelInstanceOf<M> = M extends { readonly fields: infer F extends FieldMap } ? Instance<F> : any

/** A `values('a', 'b')` row. */
export type ValuesRow<F extends FieldMap, K extends string> = {
  [P in K]: P extends keyof RowOf<F> ? RowOf<F>[P] : unknown
}
