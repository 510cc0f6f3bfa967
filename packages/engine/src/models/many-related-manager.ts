/**
 * The manager on both sides of a many-to-many relation (`book.tags`, `tag.books`): reads go
 * through the junction table, writes change only junction rows, all on the owner's alias.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { getConnection } from '../db/connection-registry.js'
import { markWrite, writeMarks } from '../db/read-after-write.js'
import { markRelationAccess } from '../db/relation-access.js'
import { atomic } from '../db/transaction.js'
import { DormError, FieldError } from '../errors.js'
import { dialectFor } from '../query/dialects.js'
import { Manager } from '../query/manager.js'
import { type QueryModel, QuerySet } from '../query/queryset.js'
import type { AnyField } from './fields/field.js'
import { ManyToManyField } from './fields/many-to-many-field.js'
import { instanceState } from './instance-state.js'
import type { ModelClassLike, RelatedObject } from './model-meta.js'
import type { FieldMap, InitOf, ManyToManyNames } from './model-types.js'

// biome-ignore lint/suspicious/noExplicitAny: any constructor
type InstanceOf<M> = M extends abstract new (...args: any) => infer I ? I : unknown
type FieldsOf<M> = M extends { readonly fields: infer TF extends FieldMap } ? TF : FieldMap

/** The typed `book.tags` managers of a field map. */
export type ManyToManyManagers<F extends FieldMap> = {
  readonly [K in ManyToManyNames<F>]: F[K] extends { readonly __target: infer M }
    ? ManyRelatedManager<InstanceOf<M>, FieldsOf<M>>
    : never
}

/** SQLite refuses more than 32766 bound values per statement; pairs go in batches well below it. */
const PAIRS_PER_INSERT = 500

/** One side of the junction, seen from the instance that owns the manager. */
interface Side {
  readonly table: string
  /** Column holding the owner's key. */
  readonly own: string
  /** Column holding the related rows' keys. */
  readonly other: string
  readonly ownPk: AnyField
  readonly otherModel: ModelClassLike
}

/**
 * `book.tags` / `tag.books`: a manager over the rows related through a many-to-many junction.
 * `all()` (and every QuerySet method) reads the related rows, served from the prefetch cache when
 * prefetched; `add`, `remove`, `set`, `clear` and `create` change the pairs. Already-present pairs
 * are ignored by `add`.
 *
 * @example
 * ```ts
 * await book.tags.add(sf, 'classic-id-or-pk')
 * await book.tags.set([sf])            // removes the others, adds what is missing
 * const names = await book.tags.all().valuesList('name', { flat: true })
 * ```
 */
export class ManyRelatedManager<I, F extends FieldMap> extends Manager<I, F> {
  readonly #instance: object
  readonly #field: ManyToManyField
  readonly #reverse: boolean
  readonly #name: string

  /**
   * @param model the model of the related rows (the target for `book.tags`, the source for `tag.books`)
   * @param reverse true on the target's side (`tag.books`)
   * @param name the accessor name, which is also the prefetch cache key
   */
  constructor(model: QueryModel, instance: object, field: ManyToManyField, reverse: boolean, name: string) {
    super(model)
    this.#instance = instance
    this.#field = field
    this.#reverse = reverse
    this.#name = name
  }

  #side(): Side {
    const j = this.#field.junction
    return this.#reverse
      ? { table: j.table, own: j.targetColumn, other: j.sourceColumn, ownPk: j.target.meta.pk, otherModel: j.source }
      : { table: j.table, own: j.sourceColumn, other: j.targetColumn, ownPk: j.source.meta.pk, otherModel: j.target }
  }

  #describe(): string {
    const owner = (this.#instance.constructor as unknown as ModelClassLike).meta.label
    return `${owner}.${this.#name}`
  }

  #ownerKey(): unknown {
    const pk = (this.#instance as { pk: unknown }).pk
    if (pk === null || pk === undefined) {
      throw new DormError(
        `${this.#describe()} cannot be used before the instance is saved: its pairs need its primary key. Call save() first.`,
        { code: 'NOT_SAVED' },
      )
    }
    return pk
  }

  #alias(): string {
    return instanceState(this.#instance).db ?? 'default'
  }

  /** Keys of the given instances or raw keys, as JS values, without duplicates (insertion order). */
  #keysOf(objects: readonly unknown[]): unknown[] {
    const side = this.#side()
    const pk = side.otherModel.meta.pk
    const keys = new Map<string, unknown>()
    for (const obj of objects) {
      let key: unknown = obj
      if (obj !== null && typeof obj === 'object' && !(obj instanceof Date)) {
        const meta = (obj.constructor as Partial<ModelClassLike>).meta
        if (meta === undefined) {
          throw new FieldError(`${this.#describe()} takes ${side.otherModel.meta.label} instances or their keys.`)
        }
        if (meta.label !== side.otherModel.meta.label) {
          throw new FieldError(
            `${this.#describe()} takes ${side.otherModel.meta.label} instances or their keys, got a ${meta.label}.`,
          )
        }
        key = (obj as { pk: unknown }).pk
        if (key === null || key === undefined) {
          throw new DormError(
            `${this.#describe()}: a ${meta.label} must be saved before it can be related. Call save() first.`,
            { code: 'NOT_SAVED' },
          )
        }
      }
      let cleaned: unknown
      try {
        cleaned = pk.clean(key)
      } catch (err) {
        throw new FieldError(
          `${this.#describe()}: invalid key ${JSON.stringify(key)}: ${err instanceof Error ? err.message : String(err)}`,
        )
      }
      keys.set(String(cleaned), cleaned)
    }
    return [...keys.values()]
  }

  /** Forgets prefetched rows and marks both models written, after a change of pairs. */
  #changed(marks: ReturnType<typeof writeMarks>, alias: string): void {
    instanceState(this.#instance).prefetched.delete(this.#name)
    markWrite(marks, this.#field.junction.source, alias)
    markWrite(marks, this.#field.junction.target, alias)
  }

  /** The related rows (served from the prefetch cache when prefetched; chaining queries again). */
  override all(): QuerySet<I, F> {
    const path = this.#reverse ? this.#field.name : this.#field.hiddenQueryName
    const base = super
      .all()
      .using(this.#alias())
      .filter({ [path]: this.#ownerKey() } as never)
    const cached = instanceState(this.#instance).prefetched.get(this.#name)
    if (cached !== undefined) return new QuerySet<I, F>({ ...base.state, prefetchedRows: cached })
    // marked as a lazy load of <Model>.<relation>, so the N+1 detector can name it
    const owner = (this.#instance.constructor as unknown as ModelClassLike).meta.label
    return markRelationAccess(base, { model: owner, relation: this.#name, kind: 'many_to_many' })
  }

  /**
   * Relates the given rows (instances or keys); pairs that exist already are left alone.
   *
   * @example
   * ```ts
   * await book.tags.add(sf, classic)
   * ```
   */
  async add(...objects: unknown[]): Promise<void> {
    const marks = writeMarks()
    const owner = this.#ownerKey()
    const keys = this.#keysOf(objects)
    if (keys.length === 0) return
    const alias = this.#alias()
    const connection = getConnection(alias)
    const dialect = dialectFor(connection.vendor)
    const side = this.#side()
    const q = dialect.quote
    const ownValue = toKey(side.ownPk, owner, dialect.vendor)
    const otherPk = side.otherModel.meta.pk
    for (let start = 0; start < keys.length; start += PAIRS_PER_INSERT) {
      const params: unknown[] = []
      const rows = keys.slice(start, start + PAIRS_PER_INSERT).map((key) => {
        params.push(ownValue, toKey(otherPk, key, dialect.vendor))
        return `(${dialect.placeholder(params.length - 1)}, ${dialect.placeholder(params.length)})`
      })
      // the unique pair makes "already related" a conflict to skip, race-free
      await connection.execute(
        `INSERT INTO ${q(side.table)} (${q(side.own)}, ${q(side.other)}) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
        params,
      )
    }
    this.#changed(marks, alias)
  }

  /**
   * Unrelates the given rows (instances or keys); the rows themselves stay.
   *
   * @example
   * ```ts
   * await book.tags.remove(sf)
   * ```
   */
  async remove(...objects: unknown[]): Promise<void> {
    const marks = writeMarks()
    const owner = this.#ownerKey()
    const keys = this.#keysOf(objects)
    if (keys.length === 0) return
    const alias = this.#alias()
    await this.#deletePairs(owner, keys, alias)
    this.#changed(marks, alias)
  }

  async #deletePairs(owner: unknown, keys: readonly unknown[] | null, alias: string): Promise<void> {
    const connection = getConnection(alias)
    const dialect = dialectFor(connection.vendor)
    const side = this.#side()
    const q = dialect.quote
    const otherPk = side.otherModel.meta.pk
    const params: unknown[] = [toKey(side.ownPk, owner, dialect.vendor)]
    let sql = `DELETE FROM ${q(side.table)} WHERE ${q(side.own)} = ${dialect.placeholder(1)}`
    if (keys !== null) {
      const values = keys.map((k) => toKey(otherPk, k, dialect.vendor))
      if (dialect.arrayParams) {
        params.push(values)
        sql += ` AND ${q(side.other)} = ANY(${dialect.placeholder(2)})`
      } else {
        const placeholders = values.map((v) => {
          params.push(v)
          return dialect.placeholder(params.length)
        })
        sql += ` AND ${q(side.other)} IN (${placeholders.join(', ')})`
      }
    }
    await connection.execute(sql, params)
  }

  /**
   * Unrelates every row.
   *
   * @example
   * ```ts
   * await book.tags.clear()
   * ```
   */
  async clear(): Promise<void> {
    const marks = writeMarks()
    const owner = this.#ownerKey()
    const alias = this.#alias()
    await this.#deletePairs(owner, null, alias)
    this.#changed(marks, alias)
  }

  /**
   * Makes the related rows exactly `objects`: removes the pairs not listed and adds the missing
   * ones (pairs kept stay untouched), in one transaction. `{ clear: true }` clears first instead.
   *
   * @example
   * ```ts
   * await book.tags.set([sf, classic])
   * ```
   */
  async set(objects: Iterable<unknown>, options: { clear?: boolean } = {}): Promise<void> {
    const owner = this.#ownerKey()
    const wanted = this.#keysOf([...objects])
    const alias = this.#alias()
    await atomic(
      async () => {
        if (options.clear === true) {
          await this.clear()
          await this.add(...wanted)
          return
        }
        const connection = getConnection(alias)
        const dialect = dialectFor(connection.vendor)
        const side = this.#side()
        const q = dialect.quote
        const otherPk = side.otherModel.meta.pk
        const { rows } = await connection.execute(
          `SELECT ${q(side.other)} AS "key" FROM ${q(side.table)} WHERE ${q(side.own)} = ${dialect.placeholder(1)}`,
          [toKey(side.ownPk, owner, dialect.vendor)],
        )
        const current = new Map(
          rows.map((r) => {
            const key = otherPk.fromDb(r.key, dialect.vendor)
            return [String(key), key] as const
          }),
        )
        const wantedByString = new Set(wanted.map((k) => String(k)))
        const stale = [...current].filter(([s]) => !wantedByString.has(s)).map(([, k]) => k)
        const missing = wanted.filter((k) => !current.has(String(k)))
        if (stale.length > 0) await this.remove(...stale)
        if (missing.length > 0) await this.add(...missing)
      },
      { using: alias },
    )
    instanceState(this.#instance).prefetched.delete(this.#name)
  }

  /**
   * Creates a related row and relates it, in one transaction.
   *
   * @example
   * ```ts
   * const tag = await book.tags.create({ name: 'new' })
   * ```
   */
  override async create(values: InitOf<F>): Promise<I> {
    this.#ownerKey()
    const alias = this.#alias()
    return atomic(
      async () => {
        const created = await new QuerySet<I, F>(this.#side().otherModel as QueryModel).using(alias).create(values)
        await this.add(created)
        return created
      },
      { using: alias },
    )
  }
}

function toKey(pk: AnyField, value: unknown, vendor: Vendor): unknown {
  return pk.toDb(value, vendor)
}

/**
 * Installs `book.tags` on the model declaring the field (called by `defineModel`).
 *
 * @example
 * ```ts
 * defineManyToManyAccessor(Book.prototype, Book.meta.getField('tags') as ManyToManyField)
 * ```
 */
export function defineManyToManyAccessor(prototype: object, field: ManyToManyField): void {
  defineAccessor(prototype, field.name, (instance) => {
    return new ManyRelatedManager(field.relatedModel as QueryModel, instance, field, false, field.name)
  })
}

/**
 * Installs `tag.books` on the target of a many-to-many field (called by the reverse-accessor
 * installer); returns false for relations that are not many-to-many.
 *
 * @example
 * ```ts
 * if (!defineReverseManyToManyAccessor(target, related)) installReverseForeignKey(target, related)
 * ```
 */
export function defineReverseManyToManyAccessor(target: ModelClassLike, related: RelatedObject): boolean {
  const field = related.field
  if (!(field instanceof ManyToManyField)) return false
  defineAccessor(target.prototype, related.name, (instance) => {
    return new ManyRelatedManager(related.model as QueryModel, instance, field, true, related.name)
  })
  return true
}

function defineAccessor(prototype: object, name: string, make: (instance: object) => unknown): void {
  Object.defineProperty(prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return make(this)
    },
    set(this: object) {
      throw new DormError(
        `Direct assignment to the many-to-many set '${name}' is not allowed: use ${name}.set([...]) instead.`,
        { code: 'M2M_DIRECT_ASSIGNMENT' },
      )
    },
  })
}
