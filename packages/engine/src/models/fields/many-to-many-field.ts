import type { Vendor } from '../../backends/base/base-connection.js'
import { ImproperlyConfigured } from '../../errors.js'
import type { ModelClassLike } from '../model-meta.js'
import { getModel } from '../registry.js'
import { Field, type FieldOptions, snakeCase } from './field.js'
import type { RelationTarget } from './related-fields.js'

/** Options of {@link ManyToManyField}. */
export interface ManyToManyOptions {
  /** Name of the reverse manager on the target (`tag.books`); default `<model>Set`; ending in `+` hides it. */
  relatedName?: string
  /** Junction table name; default `<model table>_<field snake_case>`. */
  dbTable?: string
  /** An empty set is fine for forms. */
  blank?: boolean
  helpText?: string
}

/** The junction table of a many-to-many field: one row per related pair. */
export interface Junction {
  readonly table: string
  /** Column holding the key of the model that declares the field. */
  readonly sourceColumn: string
  /** Column holding the key of the target model. */
  readonly targetColumn: string
  readonly source: ModelClassLike
  readonly target: ModelClassLike
}

/** The instance type a model class builds. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor
type InstanceOf<M> = M extends abstract new (...args: any) => infer I ? I : unknown

/**
 * A many-to-many relation, stored in a junction table `<model table>_<field>` with the columns
 * `<model>_id` and `<target>_id` (`from_<model>_id` / `to_<model>_id` when a model relates to
 * itself), a unique pair, and foreign keys that cascade from either side. The field has no
 * column; instances get a manager (`book.tags.add(tag)`), the target a reverse one (`tag.books`).
 *
 * @example
 * ```ts
 * tags: new ManyToManyField(() => Tag, { relatedName: 'books' })
 * // await book.tags.add(sf, classic); await Book.objects.filter({ tags__name: 'sf' })
 * ```
 */
export class ManyToManyField<M = ModelClassLike, const O extends ManyToManyOptions = ManyToManyOptions> extends Field<
  InstanceOf<M>[],
  false,
  true,
  false
> {
  declare readonly __relation: 'm2m'
  /** Phantom: the target model class, so instance managers are typed from its field map. */
  declare readonly __target: M
  readonly kind: string = 'ManyToManyField'
  readonly #target: RelationTarget<M>
  #resolved: ModelClassLike | undefined
  #junction: Junction | undefined

  constructor(target: RelationTarget<M>, options: O = {} as O) {
    for (const key of ['null', 'default', 'primaryKey', 'unique', 'dbColumn', 'onDelete'] as const) {
      if (key in (options as object)) {
        throw new ImproperlyConfigured(
          `ManyToManyField does not take '${key}': it has no column (its pairs live in a junction table that ` +
            'cascades from both sides). Remove the option.',
        )
      }
    }
    super(options as FieldOptions<InstanceOf<M>[]>)
    this.#target = target
  }

  override get isRelation(): boolean {
    return true
  }

  override clone(): this {
    const Ctor = this.constructor as new (target: RelationTarget<M>, options: O) => this
    return new Ctor(this.#target, this.options as O)
  }

  override get concrete(): boolean {
    return false
  }

  get relatedName(): string | undefined {
    return (this.options as ManyToManyOptions).relatedName
  }

  /**
   * The name lookups from the target use to come back through this field: the relatedName, or a
   * hidden `+<label>.<field>` that no user-facing name can clash with (the related managers use it,
   * so they work even when the reverse side is hidden with `+`).
   */
  get hiddenQueryName(): string {
    return `+${(this.model as ModelClassLike).meta.label}.${this.name}`
  }

  /** The model this field points at (resolved through the registry on first use). */
  get relatedModel(): ModelClassLike {
    if (this.#resolved !== undefined) return this.#resolved
    const target = this.#target
    const owner = this.model as ModelClassLike | undefined
    let model: ModelClassLike | undefined
    if (typeof target === 'function') model = target() as ModelClassLike | undefined
    else if (target === 'self') model = owner
    else model = getModel(target.includes('.') ? target : `${owner?.meta.appLabel}.${target}`)
    if (model === undefined) {
      throw new ImproperlyConfigured(
        `${this.describe()} points at ${typeof target === 'string' ? `'${target}'` : 'a model'} that is not defined ` +
          '(yet). Define the target with defineModel() before using the relation, or check the label.',
      )
    }
    // until defineModel attaches the class, 'self' is only the naming stub: do not keep it
    if (target !== 'self' || typeof owner === 'function') this.#resolved = model
    return model
  }

  /** Table and column names of the junction table. */
  get junction(): Junction {
    if (this.#junction !== undefined) return this.#junction
    const source = this.model as ModelClassLike | undefined
    if (source === undefined) throw new ImproperlyConfigured(`${this.describe()} is not bound to a model yet.`)
    const target = this.relatedModel
    const self = source.meta.label === target.meta.label
    const from = source.meta.modelName
    const to = target.meta.modelName
    const junction = {
      table: (this.options as ManyToManyOptions).dbTable ?? `${source.meta.dbTable}_${snakeCase(this.name)}`,
      sourceColumn: self ? `from_${from}_id` : `${from}_id`,
      targetColumn: self ? `to_${to}_id` : `${to}_id`,
      source,
      target,
    }
    if (typeof source === 'function' && typeof target === 'function') this.#junction = junction
    return junction
  }

  /** The type of a junction column holding a key of `model`. */
  keyColumnType(model: ModelClassLike, vendor: Vendor): string {
    const pk = model.meta.pk
    if (pk.kind === 'BigAutoField') return vendor === 'postgresql' ? 'bigint' : 'integer'
    if (pk.kind === 'AutoField') return 'integer'
    return pk.dbType(vendor)
  }

  dbType(_vendor: Vendor): string {
    throw new ImproperlyConfigured(
      `${this.describe()} has no column: its pairs live in the junction table '${this.junction.table}'.`,
    )
  }

  override validate(_value: unknown): string[] {
    return []
  }

  override deconstruct() {
    return { kind: this.kind, options: { ...this.options, to: this.relatedModel.meta.label } }
  }
}
