/**
 * The project state a migration history describes: every model as it is after the migrations
 * applied so far (fields and options), independent of the models' current code. Operations change
 * it (`stateForwards`); the schema editor renders models from it to produce DDL.
 */
import { MigrationError } from '../errors.js'
import type { AnyField } from '../models/fields/field.js'
import { type MetaOptions, type ModelClassLike, ModelMeta } from '../models/model-meta.js'
import { withModelResolver } from '../models/registry.js'

/** One model in a migration state. */
export interface ModelState {
  readonly app: string
  /** The model's class name as written (`Customer`). */
  readonly name: string
  /** Fields in order; each is a template cloned when rendered. */
  readonly fields: ReadonlyArray<readonly [string, AnyField]>
  readonly options: Readonly<MetaOptions>
}

/** `app.model` in lower case: how states key models (names are case-insensitive). */
export function modelKey(app: string, name: string): string {
  return `${app}.${name}`.toLowerCase()
}

interface RelationLike {
  readonly isRelation: boolean
  readonly relatedModel: ModelClassLike
}

/**
 * An immutable-by-convention map of model states with helpers to change and render them.
 *
 * @example
 * ```ts
 * const state = new ProjectState()
 * new CreateModel({ name: 'Customer', fields: { name: new CharField({ maxLength: 100 }) } }).stateForwards('shop', state)
 * state.render('shop', 'customer').meta.dbTable // 'shop_customer'
 * ```
 */
export class ProjectState {
  readonly models = new Map<string, ModelState>()
  #rendered: Map<string, ModelClassLike> | undefined

  clone(): ProjectState {
    const copy = new ProjectState()
    for (const [key, model] of this.models) copy.models.set(key, model)
    return copy
  }

  /** The state of `app.name`, or a MigrationError naming what exists. */
  get(app: string, name: string): ModelState {
    const model = this.models.get(modelKey(app, name))
    if (model === undefined) {
      const known = [...this.models.values()].filter((m) => m.app === app).map((m) => m.name)
      throw new MigrationError(
        `No model '${name}' in app '${app}' at this point of the migration history. ` +
          `Models of '${app}': ${known.join(', ') || '(none)'}. Check the operation's modelName or the dependencies.`,
      )
    }
    return model
  }

  has(app: string, name: string): boolean {
    return this.models.has(modelKey(app, name))
  }

  set(model: ModelState): void {
    this.models.set(modelKey(model.app, model.name), model)
    this.#rendered = undefined
  }

  remove(app: string, name: string): void {
    this.models.delete(modelKey(app, name))
    this.#rendered = undefined
  }

  /**
   * The table of a model as of this state, without rendering it (the same rule as ModelMeta:
   * `dbTable`, else `<app>_<model>` lowercased).
   */
  tableName(app: string, name: string): string {
    const model = this.get(app, name)
    return model.options.dbTable ?? `${model.app.toLowerCase()}_${model.name.toLowerCase()}`
  }

  /** A model class (meta only) as of this state; relations resolve against this state's models. */
  render(app: string, name: string): ModelClassLike {
    const key = modelKey(app, name)
    this.get(app, name)
    return this.#renderAll().get(key) as ModelClassLike
  }

  /** Every model of the state, rendered. */
  renderAll(): ModelClassLike[] {
    return [...this.#renderAll().values()]
  }

  #renderAll(): Map<string, ModelClassLike> {
    if (this.#rendered !== undefined) return this.#rendered
    const rendered = new Map<string, ModelClassLike>()
    for (const [key, model] of this.models) {
      const fields: Record<string, AnyField> = {}
      for (const [fieldName, template] of model.fields) fields[fieldName] = template.clone()
      const meta = new ModelMeta(`${model.app}.${model.name}`, fields, model.options)
      const cls: ModelClassLike = { meta, prototype: {} }
      for (const f of meta.fields) f.model = cls
      rendered.set(key, cls)
    }
    // resolve every relation now, against this state, and let the fields cache the answer
    withModelResolver(
      (label) => rendered.get(label.toLowerCase()),
      () => {
        for (const cls of rendered.values()) {
          for (const f of cls.meta.fields) if (f.isRelation) void (f as unknown as RelationLike).relatedModel
        }
      },
    )
    this.#rendered = rendered
    return rendered
  }
}
