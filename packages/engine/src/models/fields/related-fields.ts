import type { Vendor } from '../../backends/base/base-connection.js'
import { ImproperlyConfigured } from '../../errors.js'
import type { ModelClassLike } from '../model-meta.js'
import { getModel } from '../registry.js'
import { type DefaultOf, Field, type FieldOptions, type NullOf, type PkOf, snakeCase } from './field.js'

/** What happens to rows pointing at a deleted row. */
export type OnDelete = 'CASCADE' | 'PROTECT' | 'SET_NULL' | 'SET_DEFAULT' | 'DO_NOTHING' | 'RESTRICT'
const ON_DELETE: readonly OnDelete[] = ['CASCADE', 'PROTECT', 'SET_NULL', 'SET_DEFAULT', 'DO_NOTHING', 'RESTRICT']

/** The target of a relation: a thunk (`() => Author`) or a label (`'library.Author'`, `'self'`). */
export type RelationTarget<M> = (() => M) | string

/** Options of ForeignKey and OneToOneField. */
export interface ForeignKeyOptions extends FieldOptions<unknown> {
  onDelete: OnDelete
  /** Name of the reverse accessor on the target (`author.books`); default `<model>Set`. */
  relatedName?: string
}

/** The instance type a model class builds. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor
type InstanceOf<M> = M extends abstract new (...args: any) => infer I ? I : unknown

/**
 * A many-to-one relation. The column is `<name>_id`; the instance has `<name>Id` (the raw key) and
 * `<name>` (the related instance, once loaded by selectRelated or `await obj.related('<name>')`).
 * Indexed unless `dbIndex: false`.
 *
 * @example
 * ```ts
 * author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' })
 * ```
 */
export class ForeignKey<M = ModelClassLike, const O extends ForeignKeyOptions = ForeignKeyOptions> extends Field<
  InstanceOf<M>,
  NullOf<O>,
  DefaultOf<O>,
  PkOf<O>
> {
  declare readonly __relation: 'fk'
  readonly kind: string = 'ForeignKey'
  readonly #target: RelationTarget<M>
  #resolved: ModelClassLike | undefined

  constructor(target: RelationTarget<M>, options: O) {
    super(options as FieldOptions<InstanceOf<M>>)
    if (!options || !ON_DELETE.includes(options.onDelete)) {
      throw new ImproperlyConfigured(
        `${new.target.name} needs onDelete, one of ${ON_DELETE.join(', ')} (got ${JSON.stringify(options?.onDelete)}). ` +
          "Example: new ForeignKey(() => Author, { onDelete: 'CASCADE' })",
      )
    }
    if (options.onDelete === 'SET_NULL' && options.null !== true) {
      throw new ImproperlyConfigured(`onDelete 'SET_NULL' needs null: true on the field, or a different onDelete.`)
    }
    this.#target = target
  }

  override get isRelation(): boolean {
    return true
  }

  override clone(): this {
    const Ctor = this.constructor as new (target: RelationTarget<M>, options: O) => this
    return new Ctor(this.#target, this.options as O)
  }

  get onDelete(): OnDelete {
    return (this.options as ForeignKeyOptions).onDelete
  }

  get relatedName(): string | undefined {
    return (this.options as ForeignKeyOptions).relatedName
  }

  /** `author` -> `authorId`: the instance property holding the raw key. */
  get attname(): string {
    return `${this.name}Id`
  }

  protected override defaultColumn(name: string): string {
    return `${snakeCase(name)}_id`
  }

  /** The model this field points at (resolved through the registry on first use). */
  get relatedModel(): ModelClassLike {
    if (this.#resolved !== undefined) return this.#resolved
    const target = this.#target
    let model: ModelClassLike | undefined
    if (typeof target === 'function') model = target() as ModelClassLike | undefined
    else if (target === 'self') model = this.model as ModelClassLike | undefined
    else {
      const label = target.includes('.')
        ? target
        : `${(this.model as ModelClassLike | undefined)?.meta.appLabel}.${target}`
      model = getModel(label)
    }
    if (model === undefined) {
      throw new ImproperlyConfigured(
        `${this.describe()} points at ${typeof target === 'string' ? `'${target}'` : 'a model'} that is not defined ` +
          '(yet). Define the target with defineModel() before using the relation, or check the label.',
      )
    }
    this.#resolved = model
    return model
  }

  dbType(vendor: Vendor): string {
    const pk = this.relatedModel.meta.pk
    if (pk.kind === 'BigAutoField') return vendor === 'postgresql' ? 'bigint' : 'integer'
    if (pk.kind === 'AutoField') return 'integer'
    return pk.dbType(vendor)
  }

  override toDb(value: unknown, vendor: Vendor): unknown {
    return this.relatedModel.meta.pk.toDb(value, vendor)
  }

  override fromDb(value: unknown, vendor: Vendor): never {
    return this.relatedModel.meta.pk.fromDb(value, vendor) as never
  }

  override clean(value: unknown): InstanceOf<M> {
    return this.relatedModel.meta.pk.clean(value) as InstanceOf<M>
  }

  override validate(value: unknown): string[] {
    if (value === null || value === undefined) return this.nullable ? [] : ['This field cannot be null.']
    return []
  }

  override deconstruct() {
    return { kind: this.kind, options: { ...this.options, to: this.relatedModel.meta.label } }
  }
}

/**
 * A one-to-one relation: a unique ForeignKey whose reverse accessor is a single object.
 *
 * @example
 * ```ts
 * user: new OneToOneField(() => User, { onDelete: 'CASCADE', relatedName: 'profile' })
 * ```
 */
export class OneToOneField<
  M = ModelClassLike,
  const O extends ForeignKeyOptions = ForeignKeyOptions,
> extends ForeignKey<M, O> {
  override readonly kind: string = 'OneToOneField'

  override get unique(): boolean {
    return true
  }
}
