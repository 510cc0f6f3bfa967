/**
 * Every model defined with `defineModel`, by label. Migrations, `diff` and relation resolution read
 * it. Reverse relations are wired lazily, the first time anything asks for them, so models can be
 * defined in any order.
 */
import { ImproperlyConfigured } from '../errors.js'
import type { ModelClassLike, RelatedObject } from './model-meta.js'

const models = new Map<string, ModelClassLike>()
// while migrations render historical models, relation labels resolve against that state first
let resolver: ((label: string) => ModelClassLike | undefined) | undefined

/**
 * @internal runs `fn` with relation labels (`'library.Author'`) resolving through `resolve` first:
 * the migration state renders models as they were at a migration, not as the code defines them now.
 */
export function withModelResolver<T>(resolve: (label: string) => ModelClassLike | undefined, fn: () => T): T {
  const previous = resolver
  resolver = resolve
  try {
    return fn()
  } finally {
    resolver = previous
  }
}
let wired = false

/** @internal called by defineModel */
export function registerModel(model: ModelClassLike): void {
  const label = model.meta.label
  const existing = models.get(label)
  if (existing !== undefined && existing !== model) {
    // re-defining a label (hot reload, tests) replaces the old model and its reverse relations
    for (const other of models.values()) other.meta.removeRelatedObjectsOf(existing)
  }
  models.set(label, model)
  wired = false
}

/**
 * The model registered under `label` (`'library.Book'`, case-insensitive on the model name).
 *
 * @example
 * ```ts
 * const Book = getModel('library.Book')
 * ```
 */
export function getModel(label: string): ModelClassLike | undefined {
  if (resolver !== undefined) {
    const fromState = resolver(label)
    if (fromState !== undefined) return fromState
  }
  const exact = models.get(label)
  if (exact !== undefined) return exact
  const lower = label.toLowerCase()
  for (const [key, model] of models) if (key.toLowerCase() === lower) return model
  return undefined
}

/**
 * Every registered concrete model (abstract ones excluded), in definition order.
 *
 * @example
 * ```ts
 * for (const model of allModels()) console.log(model.meta.label, model.meta.dbTable)
 * ```
 */
export function allModels(): ModelClassLike[] {
  return [...models.values()].filter((m) => !m.meta.abstract)
}

/** Forgets every model (tests). */
export function clearRegistry(): void {
  for (const model of models.values()) model.meta.removeRelatedObjectsOf(model)
  models.clear()
  wired = false
}

interface RelationFieldLike {
  readonly isRelation: boolean
  readonly relatedModel: ModelClassLike
  readonly relatedName?: string
  readonly kind: string
  readonly name: string
  readonly attname: string
}

type AccessorInstaller = (target: ModelClassLike, related: RelatedObject) => void
let installAccessor: AccessorInstaller = () => undefined

/** @internal the model module installs reverse accessors (`author.books`) through this hook */
export function setReverseAccessorInstaller(installer: AccessorInstaller): void {
  installAccessor = installer
}

/**
 * Registers every ForeignKey's reverse relation on its target. Relations whose target is not
 * defined yet are skipped and retried on the next call.
 */
export function wireRelations(): void {
  if (wired) return
  wired = true
  for (const model of models.values()) {
    for (const other of models.values()) other.meta.removeRelatedObjectsOf(model)
  }
  for (const model of models.values()) {
    if (model.meta.abstract) continue
    for (const field of model.meta.fields) {
      if (!field.isRelation) continue
      const rel = field as unknown as RelationFieldLike
      let target: ModelClassLike
      try {
        target = rel.relatedModel
      } catch {
        // defined later: wire on a later call
        wired = false
        continue
      }
      const single = rel.kind === 'OneToOneField'
      const name = rel.relatedName ?? (single ? model.meta.modelName : `${model.meta.modelName}Set`)
      // Django's convention: a relatedName ending in '+' has no reverse side
      if (name.endsWith('+')) continue
      const related: RelatedObject = { name, field: field as RelatedObject['field'], model, single }
      try {
        target.meta.addRelatedObject(related)
      } catch (err) {
        wired = false
        throw err instanceof ImproperlyConfigured ? err : new ImproperlyConfigured(String(err))
      }
      installAccessor(target, related)
    }
  }
}
