/**
 * `defineModel()`: builds a model class from a field map. Instances carry their field values as
 * plain properties (`book.title`, `book.authorId`), relation accessors (`book.author`,
 * `author.books`), and `save()`, `delete()`, `refreshFromDb()`, `related()`, `fullClean()`.
 */
import { getConnection } from '../db/connection-registry.js'
import { markWrite, writeMarks } from '../db/read-after-write.js'
import { markRelationAccess, runAsRelationAccess } from '../db/relation-access.js'
import { dbForWrite } from '../db/router.js'
import { DoesNotExist, DormError, FieldError, MultipleObjectsReturned, ValidationError } from '../errors.js'
import { dialectFor } from '../query/dialects.js'
import { Manager } from '../query/manager.js'
import { type QueryModel, QuerySet } from '../query/queryset.js'
import { attributeOf, toDbValue } from '../query/statements.js'
import { postSave, preSave } from '../signals.js'
import type { AnyField } from './fields/field.js'
import { ManyToManyField } from './fields/many-to-many-field.js'
import { instanceState } from './instance-state.js'
import {
  defineManyToManyAccessor,
  defineReverseManyToManyAccessor,
  type ManyToManyManagers,
} from './many-related-manager.js'
import { type MetaOptions, type ModelClassLike, ModelMeta, type RelatedObject } from './model-meta.js'
import type { FieldMap, InitOf, RowOf } from './model-types.js'
import { registerModel, setReverseAccessorInstaller, wireRelations } from './registry.js'

/** Options of `save()`. */
export interface SaveOptions {
  /** Alias to write to (default: the row's own alias, else the routers). */
  using?: string
  /** Only these fields are written (an UPDATE of just their columns). */
  updateFields?: readonly string[]
  /** Always INSERT, even when a pk is set. */
  forceInsert?: boolean
}

interface RelationField extends AnyField {
  readonly relatedModel: ModelClassLike
  readonly attname: string
}

/** The methods every model instance has. */
export interface ModelInstance {
  /** The primary key value. */
  pk: unknown
  save(options?: SaveOptions): Promise<void>
  delete(options?: { using?: string }): Promise<{ deleted: number; perModel: Record<string, number> }>
  refreshFromDb(options?: { using?: string; fields?: readonly string[] }): Promise<void>
  /** Fetches (once) and returns the related object of a ForeignKey / OneToOneField / reverse one-to-one. */
  related<T = unknown>(name: string): Promise<T>
  /** Validates every field; throws ValidationError listing each bad field. */
  fullClean(options?: { exclude?: readonly string[] }): void
  toJSON(): Record<string, unknown>
}

/** An instance of a model defined with field map `F`. */
export type Instance<F extends FieldMap> = RowOf<F> & ManyToManyManagers<F> & ModelInstance

/** The class `defineModel` returns. */
export interface ModelClass<F extends FieldMap> extends QueryModel {
  new (init?: InitOf<F>): Instance<F>
  readonly meta: ModelMeta
  readonly objects: Manager<Instance<F>, F>
  readonly fields: F
  readonly DoesNotExist: new (message: string) => DoesNotExist
  readonly MultipleObjectsReturned: new (message: string) => MultipleObjectsReturned
}

/** The base class of every model class (for `instanceof`). */
export abstract class Model {
  declare static meta: ModelMeta

  get pk(): unknown {
    const meta = (this.constructor as unknown as ModelClassLike).meta
    return (this as unknown as Record<string, unknown>)[meta.pk.name]
  }

  set pk(value: unknown) {
    const meta = (this.constructor as unknown as ModelClassLike).meta
    ;(this as unknown as Record<string, unknown>)[meta.pk.name] = value
  }

  async save(options: SaveOptions = {}): Promise<void> {
    const marks = writeMarks()
    const model = this.constructor as QueryModel
    const meta = model.meta
    const state = instanceState(this)
    const self = this as unknown as Record<string, unknown>
    const alias = options.using ?? dbForWrite(model, { instance: this })
    const connection = getConnection(alias)
    const dialect = dialectFor(connection.vendor)
    const updateFields = options.updateFields ?? null
    if (updateFields !== null) {
      for (const name of updateFields) {
        const field = meta.findField(name)
        if (field === undefined || !field.concrete) {
          throw new FieldError(
            `save({ updateFields }): ${meta.label} has no field '${name}'. Fields: ${meta.fieldNames().join(', ')}.`,
          )
        }
      }
    }
    const pkValue = self[meta.pk.name]
    const insert = options.forceInsert === true || state.adding || pkValue === null || pkValue === undefined
    preSave.send({ sender: model, instance: this, using: alias, updateFields })
    for (const field of meta.concreteFields) {
      const preSaveValue = (field as unknown as { preSave?: (isInsert: boolean) => unknown }).preSave
      if (typeof preSaveValue === 'function') {
        const value = preSaveValue.call(field, insert)
        if (value !== undefined) self[field.name] = value
      }
    }
    const q = (s: string) => dialect.quote(s)
    let created = insert
    if (!insert) {
      const fields = meta.concreteFields.filter(
        (f) => !f.primaryKey && (updateFields === null || updateFields.includes(f.name)),
      )
      if (fields.length > 0) {
        const params: unknown[] = []
        const sets = fields.map((f) => {
          params.push(toDbValue(f, self[attributeOf(f)], dialect))
          return `${q(f.column)} = ${dialect.placeholder(params.length)}`
        })
        params.push(meta.pk.toDb(pkValue, dialect.vendor))
        const sql = `UPDATE ${q(meta.dbTable)} SET ${sets.join(', ')} WHERE ${q(meta.pk.column)} = ${dialect.placeholder(params.length)}`
        const result = await connection.execute(sql, params)
        if (result.rowCount === 0) {
          if (updateFields !== null) {
            throw new DormError(
              `save({ updateFields }) did not update ${meta.label} pk=${String(pkValue)}: the row does not exist.`,
              {
                code: 'SAVE_UPDATE_MISSED',
              },
            )
          }
          created = true
        }
      }
    }
    if (created) {
      const fields = meta.concreteFields.filter(
        (f) => !(f.generated && (self[f.name] === null || self[f.name] === undefined)),
      )
      const params = fields.map((f) => toDbValue(f, self[attributeOf(f)], dialect))
      const columns = fields.map((f) => q(f.column)).join(', ')
      const values = fields.map((_, i) => dialect.placeholder(i + 1)).join(', ')
      const body = fields.length > 0 ? `(${columns}) VALUES (${values})` : 'DEFAULT VALUES'
      const sql = `INSERT INTO ${q(meta.dbTable)} ${body} RETURNING ${q(meta.pk.column)}`
      const result = await connection.execute(sql, params)
      const returned = result.rows[0]?.[meta.pk.column]
      if (returned !== undefined) self[meta.pk.name] = meta.pk.fromDb(returned, dialect.vendor)
    }
    state.adding = false
    state.db = alias
    postSave.send({ sender: model, instance: this, using: alias, updateFields, created })
    markWrite(marks, model, alias)
  }

  async delete(options: { using?: string } = {}): Promise<{ deleted: number; perModel: Record<string, number> }> {
    const model = this.constructor as QueryModel
    const pk = this.pk
    if (pk === null || pk === undefined) {
      throw new DormError(`${model.meta.label} cannot be deleted: it has no primary key (it was never saved).`, {
        code: 'NOT_SAVED',
      })
    }
    const state = instanceState(this)
    const alias = options.using ?? dbForWrite(model, { instance: this })
    const qs = new QuerySet<unknown, FieldMap>(model).using(alias).filter({ pk: pk as never })
    const result = await qs.delete()
    state.adding = true
    return result
  }

  async refreshFromDb(options: { using?: string; fields?: readonly string[] } = {}): Promise<void> {
    const model = this.constructor as QueryModel
    const state = instanceState(this)
    let qs = new QuerySet<unknown, FieldMap>(model)
    // routers and read-after-write decide, as for any read: right after a save it reads the primary
    if (options.using !== undefined) qs = qs.using(options.using)
    if (options.fields !== undefined) qs = qs.only(...options.fields)
    const fresh = (await qs.get({ pk: this.pk as never })) as Record<string, unknown>
    const self = this as unknown as Record<string, unknown>
    for (const field of model.meta.concreteFields) {
      if (options.fields !== undefined && !options.fields.includes(field.name) && !field.primaryKey) continue
      self[attributeOf(field)] = fresh[attributeOf(field)]
      if (field.isRelation) state.related.delete(field.name)
    }
  }

  async related<T = unknown>(name: string): Promise<T> {
    const model = this.constructor as QueryModel
    const state = instanceState(this)
    if (state.related.has(name)) return state.related.get(name) as T
    const self = this as unknown as Record<string, unknown>
    const field = model.meta.findField(name)
    const alias = state.db ?? 'default'
    if (field?.isRelation && field.concrete) {
      const rel = field as RelationField
      const key = self[rel.attname]
      // marked as a lazy load of <Model>.<relation>, so the N+1 detector can name it
      const value =
        key === null || key === undefined
          ? null
          : await runAsRelationAccess({ model: model.meta.label, relation: name, kind: 'forward' }, () =>
              new QuerySet<unknown, FieldMap>(rel.relatedModel as QueryModel).using(alias).get({ pk: key as never }),
            )
      state.related.set(name, value)
      return value as T
    }
    const reverse = model.meta.relatedObjects.find((r) => r.name === name && r.single)
    if (reverse !== undefined) {
      const value = await runAsRelationAccess(
        { model: model.meta.label, relation: name, kind: 'reverse_one_to_one' },
        () =>
          new QuerySet<unknown, FieldMap>(reverse.model as QueryModel)
            .using(alias)
            .getOrNone({ [reverse.field.name]: this.pk } as never),
      )
      state.related.set(name, value)
      return value as T
    }
    const choices = model.meta.fields.filter((f) => f.isRelation && f.concrete).map((f) => f.name)
    for (const r of model.meta.relatedObjects) if (r.single) choices.push(r.name)
    throw new FieldError(
      `related('${name}'): ${model.meta.label} has no such relation. Choices: ${choices.join(', ') || '(none)'}.`,
    )
  }

  fullClean(options: { exclude?: readonly string[] } = {}): void {
    const model = this.constructor as QueryModel
    const self = this as unknown as Record<string, unknown>
    const errors: Record<string, string[]> = {}
    for (const field of model.meta.concreteFields) {
      if (options.exclude?.includes(field.name) || field.options.editable === false) continue
      const value = self[attributeOf(field)]
      if (field.primaryKey && (value === null || value === undefined)) continue
      const messages = field.validate(value)
      if (messages.length > 0) errors[field.name] = messages
    }
    const names = Object.keys(errors)
    if (names.length > 0) {
      const detail = names.map((n) => `${n}: ${(errors[n] as string[]).join(' ')}`).join('; ')
      throw new ValidationError(`${model.meta.label} is not valid: ${detail}`, errors)
    }
  }

  toJSON(): Record<string, unknown> {
    const model = this.constructor as QueryModel
    const self = this as unknown as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const field of model.meta.concreteFields) out[attributeOf(field)] = self[attributeOf(field)]
    return out
  }
}

function defineForwardAccessor(prototype: object, field: RelationField): void {
  Object.defineProperty(prototype, field.name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      const state = instanceState(this)
      if (state.related.has(field.name)) return state.related.get(field.name)
      const key = (this as Record<string, unknown>)[field.attname]
      if (key === null || key === undefined) return null
      throw new DormError(
        `${field.describe()} is not loaded. Use selectRelated('${field.name}') or prefetchRelated('${field.name}') ` +
          `in the query, or await obj.related('${field.name}').`,
        { code: 'RELATION_NOT_LOADED' },
      )
    },
    set(this: object, value: unknown) {
      const self = this as Record<string, unknown>
      const state = instanceState(this)
      if (value === null || value === undefined) {
        self[field.attname] = null
        state.related.set(field.name, null)
      } else if (typeof value === 'object') {
        self[field.attname] = (value as { pk: unknown }).pk
        state.related.set(field.name, value)
      } else {
        self[field.attname] = value
        state.related.delete(field.name)
      }
    },
  })
}

/** `author.books`: a manager over the rows pointing at this one (served from the prefetch cache when prefetched). */
export class RelatedManager<I, F extends FieldMap> extends Manager<I, F> {
  readonly #instance: object
  readonly #related: RelatedObject

  constructor(model: QueryModel, instance: object, related: RelatedObject) {
    super(model)
    this.#instance = instance
    this.#related = related
  }

  override all(): QuerySet<I, F> {
    const owner = this.#instance as { pk: unknown }
    const state = instanceState(this.#instance)
    const base = super
      .all()
      .using(state.db ?? 'default')
      .filter({ [this.#related.field.name]: owner.pk } as never)
    const cached = state.prefetched.get(this.#related.name)
    if (cached !== undefined) return new QuerySet<I, F>({ ...base.state, prefetchedRows: cached })
    // marked as a lazy load of <Model>.<relation>, so the N+1 detector can name it
    const ownerModel = (this.#instance.constructor as QueryModel).meta.label
    return markRelationAccess(base, { model: ownerModel, relation: this.#related.name, kind: 'reverse' })
  }

  /** Creates a related row pointing at the owner. */
  override create(values: Parameters<Manager<I, F>['create']>[0]): Promise<I> {
    return super.create({ ...(values as object), [this.#related.field.name]: this.#instance } as never)
  }
}

setReverseAccessorInstaller((target, related) => {
  if (defineReverseManyToManyAccessor(target, related)) return
  const name = related.name
  Object.defineProperty(target.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      const state = instanceState(this)
      if (related.single) {
        if (state.related.has(name)) return state.related.get(name)
        throw new DormError(
          `${target.meta.label}.${name} is not loaded. Use prefetchRelated('${name}') or await obj.related('${name}').`,
          { code: 'RELATION_NOT_LOADED' },
        )
      }
      return new RelatedManager(related.model as QueryModel, this, related)
    },
  })
})

/**
 * Defines a model: a class with typed fields, `objects`, `meta` and instance methods.
 *
 * @example
 * ```ts
 * export const Author = defineModel('library.Author', {
 *   fields: { name: new CharField({ maxLength: 100 }), age: new IntegerField({ default: 0 }) },
 *   meta: { ordering: ['name'] },
 * })
 * export type Author = InstanceType<typeof Author>
 * ```
 */
export function defineModel<const F extends FieldMap>(
  label: string,
  definition: { fields: F; meta?: MetaOptions },
): ModelClass<F> {
  const meta = new ModelMeta(label, definition.fields, definition.meta ?? {})
  const names = new Set(meta.concreteFields.flatMap((f) => (f.isRelation ? [f.name, `${f.name}Id`] : [f.name])))
  const concrete = meta.concreteFields

  class DefinedDoesNotExist extends DoesNotExist {}
  class DefinedMultipleObjectsReturned extends MultipleObjectsReturned {}

  const Defined = class extends Model {
    static override meta = meta
    static readonly fields = definition.fields
    static readonly DoesNotExist = DefinedDoesNotExist
    static readonly MultipleObjectsReturned = DefinedMultipleObjectsReturned
    static objects: Manager<unknown, F>

    constructor(init: Record<string, unknown> = {}) {
      super()
      const self = this as unknown as Record<string, unknown>
      for (const key of Object.keys(init)) {
        if (!names.has(key) && key !== 'pk') {
          if (meta.findField(key) instanceof ManyToManyField) {
            throw new FieldError(`${label}.${key} is many-to-many: save the instance, then use obj.${key}.set([...]).`)
          }
          throw new FieldError(`${label} got an unknown field '${key}'. Fields: ${[...names].join(', ')}.`)
        }
      }
      for (const field of concrete) {
        if (field.isRelation) {
          const rel = field as RelationField
          if (rel.name in init) {
            ;(self as Record<string, unknown>)[rel.name] = init[rel.name]
          } else {
            self[rel.attname] = rel.attname in init ? init[rel.attname] : field.hasDefault() ? field.getDefault() : null
          }
          continue
        }
        if (field.name in init) self[field.name] = init[field.name]
        else if (field.primaryKey && 'pk' in init) self[field.name] = init.pk
        else
          self[field.name] = field.hasDefault()
            ? field.getDefault()
            : field.generated || field.nullable
              ? null
              : undefined
      }
      instanceState(this)
    }
  }
  Object.defineProperty(Defined, 'name', { value: meta.objectName })
  Object.defineProperty(DefinedDoesNotExist, 'name', { value: `${meta.objectName}.DoesNotExist` })
  Object.defineProperty(DefinedMultipleObjectsReturned, 'name', { value: `${meta.objectName}.MultipleObjectsReturned` })
  for (const field of concrete) if (field.isRelation) defineForwardAccessor(Defined.prototype, field as RelationField)
  for (const field of meta.fields)
    if (field instanceof ManyToManyField) defineManyToManyAccessor(Defined.prototype, field)
  Defined.objects = new Manager<unknown, F>(Defined as unknown as QueryModel)
  for (const field of meta.fields) field.model = Defined as unknown as ModelClassLike
  for (const field of meta.fields) field.contributeToClass(Defined as unknown as ModelClassLike)
  registerModel(Defined as unknown as ModelClassLike)
  wireRelations()
  return Defined as unknown as ModelClass<F>
}
