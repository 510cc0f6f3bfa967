import { ImproperlyConfigured } from '../errors.js'
import type { Constraint, Index } from './constraints.js'
import { BigAutoField } from './fields/auto-field.js'
import type { AnyField } from './fields/field.js'
import { wireRelations } from './registry.js'

/** The `meta` part of a model definition. */
export interface MetaOptions {
  /** Table name; default `<app>_<model lowercase>`. */
  dbTable?: string
  /** Default ordering, e.g. `['-publishedAt', 'title']`. */
  ordering?: readonly string[]
  indexes?: readonly Index[]
  constraints?: readonly Constraint[]
  /** Shorthand for UniqueConstraints: `[['author', 'title']]`. */
  uniqueTogether?: readonly (readonly string[])[]
  /** An abstract model has no table; other models spread its fields. */
  abstract?: boolean
  /** false: dorm never creates, alters or drops this table (it exists already). */
  managed?: boolean
  verboseName?: string
}

/** A reverse relation: a ForeignKey of another model pointing here. */
export interface RelatedObject {
  /** The name used on instances and in lookups (`books`). */
  readonly name: string
  readonly field: AnyField & { readonly relatedModel: ModelClassLike; readonly attname: string }
  readonly model: ModelClassLike
  /** One-to-one relations give a single object instead of a manager. */
  readonly single: boolean
}

/** The part of a model class the core reads. */
export interface ModelClassLike {
  readonly meta: ModelMeta
  // biome-ignore lint/suspicious/noExplicitAny: instances of every model
  readonly prototype: any
}

/**
 * Everything dorm knows about a model: label, table, fields in declaration order, the primary key,
 * ordering, indexes, constraints and reverse relations. Migrations and `diff` read it.
 *
 * @example
 * ```ts
 * Book.meta.dbTable          // 'library_book'
 * Book.meta.getField('author').column // 'author_id'
 * ```
 */
export class ModelMeta {
  readonly label: string
  readonly appLabel: string
  readonly modelName: string
  readonly objectName: string
  readonly dbTable: string
  readonly ordering: readonly string[]
  readonly indexes: readonly Index[]
  readonly constraints: readonly Constraint[]
  readonly uniqueTogether: readonly (readonly string[])[]
  readonly abstract: boolean
  readonly managed: boolean
  readonly fields: readonly AnyField[]
  readonly pk: AnyField
  readonly #byName = new Map<string, AnyField>()
  #related: RelatedObject[] = []

  constructor(label: string, fields: Record<string, AnyField>, options: MetaOptions) {
    const match = /^([A-Za-z_][\w]*)\.([A-Za-z_][\w]*)$/.exec(label)
    if (!match) {
      throw new ImproperlyConfigured(
        `Model label '${label}' must be '<app>.<Model>', e.g. 'library.Book' (letters, digits, underscores).`,
      )
    }
    this.label = label
    this.appLabel = match[1] as string
    this.objectName = match[2] as string
    this.modelName = this.objectName.toLowerCase()
    this.dbTable = options.dbTable ?? `${this.appLabel.toLowerCase()}_${this.modelName}`
    this.ordering = [...(options.ordering ?? [])]
    this.indexes = [...(options.indexes ?? [])]
    this.constraints = [...(options.constraints ?? [])]
    this.uniqueTogether = (options.uniqueTogether ?? []).map((group) => [...group])
    this.abstract = options.abstract ?? false
    this.managed = options.managed ?? true

    const entries = Object.entries(fields)
    const pks = entries.filter(([, f]) => f.primaryKey)
    if (pks.length > 1) {
      throw new ImproperlyConfigured(
        `${label} declares more than one primary key (${pks.map(([n]) => n).join(', ')}). Keep primaryKey on one field.`,
      )
    }
    const ordered: AnyField[] = []
    if (pks.length === 0 && !('id' in fields)) ordered.push(this.#adopt('id', new BigAutoField({ primaryKey: true })))
    for (const [name, field] of entries) {
      if (name === 'pk') throw new ImproperlyConfigured(`${label}: 'pk' is reserved (it always means the primary key).`)
      if (name.includes('__')) {
        throw new ImproperlyConfigured(`${label}.${name}: field names cannot contain '__' (it separates lookups).`)
      }
      ordered.push(this.#adopt(name, field))
    }
    this.fields = ordered
    const pk = ordered.find((f) => f.primaryKey)
    if (pk === undefined) {
      throw new ImproperlyConfigured(
        `${label} has a field named 'id' that is not a primary key: rename it or add primaryKey: true.`,
      )
    }
    this.pk = pk
    const columns = new Map<string, string>()
    for (const f of ordered) {
      if (!f.concrete) continue
      const clash = columns.get(f.column)
      if (clash !== undefined) {
        throw new ImproperlyConfigured(
          `${label}: fields '${clash}' and '${f.name}' both use column '${f.column}'. Set dbColumn on one.`,
        )
      }
      columns.set(f.column, f.name)
    }
  }

  #adopt(name: string, given: AnyField): AnyField {
    let field = given
    // fields spread from an abstract model are copied, so each concrete model gets its own
    if (field.model !== undefined && field.model.meta.abstract === true) field = field.clone()
    if (field.model !== undefined) {
      throw new ImproperlyConfigured(
        `${this.label}.${name}: this field object already belongs to ${field.describe()}. Create a new field instance per model.`,
      )
    }
    // the model class is attached later by defineModel; meta is enough for naming
    field.bind({ meta: this }, name)
    this.#byName.set(name, field)
    return field
  }

  /** Concrete fields (with a column), in declaration order. */
  get concreteFields(): AnyField[] {
    return this.fields.filter((f) => f.concrete)
  }

  /** The field named `name` (`pk` is the primary key), or undefined. */
  findField(name: string): AnyField | undefined {
    if (name === 'pk') return this.pk
    return this.#byName.get(name)
  }

  /** The field named `name`, or a FieldError-ready message listing the valid names. */
  getField(name: string): AnyField {
    const field = this.findField(name)
    if (field === undefined)
      throw new ImproperlyConfigured(`${this.label} has no field '${name}'. Fields: ${this.fieldNames().join(', ')}.`)
    return field
  }

  fieldNames(): string[] {
    return this.fields.map((f) => f.name)
  }

  /** Reverse relations (other models' ForeignKeys pointing here), filled by the registry. */
  get relatedObjects(): readonly RelatedObject[] {
    wireRelations()
    return this.#related
  }

  /** @internal called by the registry */
  addRelatedObject(related: RelatedObject): void {
    if (this.#related.some((r) => r.name === related.name)) {
      throw new ImproperlyConfigured(
        `${this.label} already has a reverse relation named '${related.name}'. Give ${related.field.describe()} a different relatedName.`,
      )
    }
    if (this.#byName.has(related.name)) {
      throw new ImproperlyConfigured(
        `${related.field.describe()}: relatedName '${related.name}' clashes with the field ${this.label}.${related.name}. Choose another relatedName.`,
      )
    }
    this.#related = [...this.#related, related]
  }

  /** @internal */
  removeRelatedObjectsOf(model: ModelClassLike): void {
    this.#related = this.#related.filter((r) => r.model !== model)
  }
}
