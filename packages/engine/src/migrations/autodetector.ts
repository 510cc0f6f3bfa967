/**
 * The autodetector behind `dorm makemigrations`: compares the project state the migrations
 * describe with the models the code defines, and lists the operations that bring one to the
 * other, per app. It never guesses: a field that disappeared and one that appeared are a removal
 * and an addition unless a rename is given explicitly (`--rename shop.Order.total:amount`).
 */
import { MigrationError } from '../errors.js'
import type { Constraint, Index } from '../models/constraints.js'
import type { AnyField } from '../models/fields/field.js'
import type { MetaOptions, ModelClassLike } from '../models/model-meta.js'
import { rebuildField, relationTarget, schemaSignature } from './field-deconstruction.js'
import { definitionKey, serializeValue } from './field-serializer.js'
import { modelKey, type ProjectState } from './migration-state.js'
import { AddField, AlterField, RemoveField, RenameField } from './operations/field-operations.js'
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from './operations/index-operations.js'
import { AlterModelTable, CreateModel, DeleteModel } from './operations/model-operations.js'
import type { Operation } from './operations/operation.js'

/** A field rename given on the command line: `--rename shop.Order.total:amount`. */
export interface FieldRename {
  readonly app: string
  /** The model's name, case-insensitive. */
  readonly model: string
  readonly from: string
  readonly to: string
}

/** Options of {@link detectChanges}. */
export interface DetectOptions {
  /**
   * Only these apps get operations, plus the apps whose new models they need (a ForeignKey from a
   * selected app to a model another app has not migrated yet pulls that app in).
   */
  readonly apps?: readonly string[]
  /** Field renames to emit as RenameField instead of RemoveField + AddField. */
  readonly renames?: readonly FieldRename[]
  /** Told about model changes no operation can express (uniqueTogether, managed), which stay undetected. */
  readonly warn?: (message: string) => void
}

/** Why one app's new migration must run after another app's migration. */
export interface ChangeDependency {
  readonly app: string
  readonly on: string
  /** true: on the migration this run writes for `on`; false: on `on`'s latest existing migration. */
  readonly onNew: boolean
}

interface RelationLike {
  readonly relatedModel: ModelClassLike
}

type Buckets = Record<
  | 'creates'
  | 'deferred'
  | 'renames'
  | 'removeIndexes'
  | 'removeFields'
  | 'tables'
  | 'addFields'
  | 'alterFields'
  | 'addIndexes'
  | 'deletes',
  Operation[]
>

const BUCKET_ORDER: readonly (keyof Buckets)[] = [
  'creates',
  'deferred',
  'renames',
  'removeIndexes',
  'removeFields',
  'tables',
  'addFields',
  'alterFields',
  'addIndexes',
  'deletes',
]

function keyOf(model: ModelClassLike): string {
  return modelKey(model.meta.appLabel, model.meta.objectName)
}

function labelKey(label: string): string {
  return label.toLowerCase()
}

/**
 * The operations that turn `fromState` (the migrations' final state) into `models` (the concrete
 * models the code defines), per app label, in the order they must run:
 *
 * - CreateModel for a new model, every field included (the implicit `id` too), with dbTable (when
 *   not the default), ordering, indexes, constraints, uniqueTogether and `managed: false` only when
 *   set; new models are ordered so relation targets come first, and a ForeignKey cycle is broken by
 *   creating one model without the field and adding it right after;
 * - DeleteModel for a model that is gone; AlterModelTable when dbTable changed;
 * - AddField / RemoveField; AlterField when what the database sees of a field changed (see
 *   `schemaSignature`: column type, null, unique, primary key, index, column name, relation target);
 *   changes to default, choices, blank, relatedName, onDelete, autoNow, validators, helpText or
 *   editable alone are not migrations;
 * - RenameField only for the `renames` given;
 * - AddIndex / RemoveIndex and AddConstraint / RemoveConstraint by name (a changed definition under
 *   the same name is a remove and an add).
 *
 * Unmanaged models (`managed: false`) get CreateModel / DeleteModel only, so relations to them
 * resolve; their fields, indexes and table are theirs to manage. A new non-null field whose
 * default is a function gets the value the function returns now as its migration default, so rows
 * that exist already are filled.
 *
 * @example
 * ```ts
 * const changes = detectChanges(executor.finalState(), allModels(), { apps: ['shop'] })
 * for (const [app, ops] of changes) for (const op of ops) console.log(app, op.describe())
 * ```
 */
export function detectChanges(
  fromState: ProjectState,
  models: readonly ModelClassLike[],
  options: DetectOptions = {},
): Map<string, Operation[]> {
  const warn = options.warn ?? (() => undefined)
  const buckets = new Map<string, Buckets>()
  const bucket = (app: string, name: keyof Buckets): Operation[] => {
    let entry = buckets.get(app)
    if (entry === undefined) {
      entry = Object.fromEntries(BUCKET_ORDER.map((b) => [b, []])) as unknown as Buckets
      buckets.set(app, entry)
    }
    return entry[name]
  }

  const state = fromState.clone()
  for (const rename of options.renames ?? []) {
    const op = renameOperation(rename, state, models)
    op.stateForwards(rename.app, state)
    bucket(rename.app, 'renames').push(op)
  }

  const before = new Map(state.renderAll().map((model) => [keyOf(model), model] as const))
  const current = new Map(models.filter((m) => !m.meta.abstract).map((model) => [keyOf(model), model] as const))
  const checkTarget = (model: ModelClassLike, field: AnyField): void => {
    const target = relationTarget(field)
    if (target !== undefined && !current.has(labelKey(target))) {
      throw new MigrationError(
        `${model.meta.label}.${field.name} points at ${target}, which is not a model of an installed app. ` +
          'Add its app to INSTALLED_APPS (or fix the relation) and run makemigrations again.',
      )
    }
  }

  createModels(
    [...current.values()].filter((m) => !before.has(keyOf(m))),
    bucket,
    checkTarget,
  )

  for (const [key, now] of current) {
    const then = before.get(key)
    if (then === undefined) continue
    const app = now.meta.appLabel
    if (!then.meta.managed || !now.meta.managed) {
      if (then.meta.managed !== now.meta.managed) {
        warn(
          `${now.meta.label}: managed changed to ${now.meta.managed}, which no operation expresses yet; ` +
            'makemigrations leaves the model as the migrations describe it. Write the schema change by hand (RunSQL).',
        )
      }
      continue
    }
    const modelName = now.meta.modelName
    if (then.meta.dbTable !== now.meta.dbTable) {
      bucket(app, 'tables').push(new AlterModelTable({ name: now.meta.objectName, table: now.meta.dbTable }))
    }
    diffFields(then, now, bucket, checkTarget, warn)
    diffNamed(
      then.meta.indexes,
      now.meta.indexes,
      (index) => bucket(app, 'removeIndexes').push(new RemoveIndex({ modelName, name: index.name })),
      (index) => bucket(app, 'addIndexes').push(new AddIndex({ modelName, index })),
    )
    diffNamed(
      then.meta.constraints,
      now.meta.constraints,
      (constraint) => bucket(app, 'removeIndexes').push(new RemoveConstraint({ modelName, name: constraint.name })),
      (constraint) => bucket(app, 'addIndexes').push(new AddConstraint({ modelName, constraint })),
    )
    if (JSON.stringify(then.meta.uniqueTogether) !== JSON.stringify(now.meta.uniqueTogether)) {
      warn(
        `${now.meta.label}: uniqueTogether changed, which no operation expresses yet; makemigrations leaves it out. ` +
          'Use meta.constraints with a UniqueConstraint instead (AddConstraint / RemoveConstraint are detected).',
      )
    }
  }

  const deleted = [...before.values()].filter((m) => !current.has(keyOf(m)))
  for (const gone of deleted) {
    const shape = modelShape(gone)
    const twin = [...current.values()].find(
      (m) => !before.has(keyOf(m)) && m.meta.appLabel === gone.meta.appLabel && modelShape(m) === shape,
    )
    if (twin !== undefined) {
      warn(
        `${gone.meta.label} is deleted and ${twin.meta.label} created with the same fields. If it is a rename, ` +
          'replace the DeleteModel and CreateModel with new RenameModel({ oldName, newName }) by hand (deleting drops the table and its rows).',
      )
    }
  }
  for (const model of deletionOrder(deleted)) {
    bucket(model.meta.appLabel, 'deletes').push(new DeleteModel({ name: model.meta.objectName }))
  }

  const changes = new Map<string, Operation[]>()
  for (const app of [...buckets.keys()].sort()) {
    const entry = buckets.get(app) as Buckets
    const ops = BUCKET_ORDER.flatMap((name) => entry[name])
    if (ops.length > 0) changes.set(app, ops)
  }
  if (options.apps === undefined || options.apps.length === 0) return changes
  return trimToApps(changes, fromState, options.apps)
}

function renameOperation(rename: FieldRename, state: ProjectState, models: readonly ModelClassLike[]): RenameField {
  const where = `--rename ${rename.app}.${rename.model}.${rename.from}:${rename.to}`
  if (!state.has(rename.app, rename.model)) {
    throw new MigrationError(`${where}: the migrations of '${rename.app}' have no model '${rename.model}'.`)
  }
  const model = state.get(rename.app, rename.model)
  if (model.options.managed === false) {
    throw new MigrationError(
      `${where}: ${rename.app}.${model.name} is unmanaged (managed: false); dorm never alters its table.`,
    )
  }
  const now = models.find((m) => keyOf(m) === modelKey(rename.app, rename.model))
  const names = model.fields.map(([name]) => name)
  if (!names.includes(rename.from)) {
    throw new MigrationError(
      `${where}: ${rename.app}.${model.name} has no field '${rename.from}' in its migrations. Fields: ${names.join(', ')}.`,
    )
  }
  if (names.includes(rename.to)) {
    throw new MigrationError(
      `${where}: ${rename.app}.${model.name} already has a field '${rename.to}' in its migrations.`,
    )
  }
  if (
    now === undefined ||
    now.meta.findField(rename.to) === undefined ||
    now.meta.findField(rename.from) !== undefined
  ) {
    throw new MigrationError(
      `${where}: the model code must define '${rename.to}' and no longer '${rename.from}'. Rename the field in the model first.`,
    )
  }
  return new RenameField({ modelName: model.name.toLowerCase(), oldName: rename.from, newName: rename.to })
}

/** CreateModel operations in an order where every relation target exists first. */
function createModels(
  created: readonly ModelClassLike[],
  bucket: (app: string, name: keyof Buckets) => Operation[],
  checkTarget: (model: ModelClassLike, field: AnyField) => void,
): void {
  const pending = [...created]
  const done = new Set<string>()
  const newKeys = new Set(created.map(keyOf))
  const targetsOf = (model: ModelClassLike, field: AnyField): string | undefined => {
    const target = relationTarget(field)
    if (target === undefined) return undefined
    const key = labelKey(target)
    return key !== keyOf(model) && newKeys.has(key) ? key : undefined
  }
  while (pending.length > 0) {
    let index = pending.findIndex((model) =>
      model.meta.fields.every((field) => {
        const key = targetsOf(model, field)
        return key === undefined || done.has(key)
      }),
    )
    // a cycle: create the first model without the relations that wait, and add them right after
    if (index === -1) index = 0
    const model = pending.splice(index, 1)[0] as ModelClassLike
    const app = model.meta.appLabel
    const fields: Record<string, AnyField> = {}
    const waiting = new Set<string>()
    for (const field of model.meta.fields) {
      checkTarget(model, field)
      const key = targetsOf(model, field)
      if (key !== undefined && !done.has(key)) {
        bucket(app, 'deferred').push(addFieldOperation(model, field))
        waiting.add(field.name)
        continue
      }
      fields[field.name] = rebuildField(field)
    }
    const options: MetaOptions = modelOptions(model)
    if (!model.meta.managed) options.managed = false
    if (waiting.size > 0) {
      // indexes and unique constraints over a field added later are added after it
      const covers = (names: readonly string[]) => names.some((n) => waiting.has(n.replace(/^-/, '')))
      const modelName = model.meta.modelName
      const later = (options.indexes ?? []).filter((index) => covers(index.fields))
      const laterConstraints = (options.constraints ?? []).filter(
        (c) => c.kind === 'UniqueConstraint' && covers(c.fields),
      )
      options.indexes = (options.indexes ?? []).filter((index) => !later.includes(index))
      options.constraints = (options.constraints ?? []).filter((c) => !laterConstraints.includes(c))
      if (options.indexes.length === 0) delete options.indexes
      if (options.constraints.length === 0) delete options.constraints
      for (const index of later) bucket(app, 'deferred').push(new AddIndex({ modelName, index }))
      for (const constraint of laterConstraints)
        bucket(app, 'deferred').push(new AddConstraint({ modelName, constraint }))
    }
    bucket(app, 'creates').push(new CreateModel({ name: model.meta.objectName, fields, options }))
    done.add(keyOf(model))
  }
}

function modelOptions(model: ModelClassLike): MetaOptions {
  const meta = model.meta
  const options: MetaOptions = {}
  if (meta.dbTable !== `${meta.appLabel.toLowerCase()}_${meta.modelName}`) options.dbTable = meta.dbTable
  if (meta.ordering.length > 0) options.ordering = [...meta.ordering]
  if (meta.indexes.length > 0) options.indexes = [...meta.indexes]
  if (meta.constraints.length > 0) options.constraints = [...meta.constraints]
  if (meta.uniqueTogether.length > 0) options.uniqueTogether = meta.uniqueTogether.map((group) => [...group])
  return options
}

/**
 * AddField with the field as a migration writes it. A non-null column added to a table that may
 * have rows needs a value for them: a function default is called once, now, and its result written.
 */
function addFieldOperation(model: ModelClassLike, field: AnyField): AddField {
  let overrides: Record<string, unknown> = {}
  const lazy = typeof field.options.default === 'function'
  if (lazy && field.concrete && !field.nullable && !field.generated) {
    const value = field.getDefault()
    try {
      serializeValue(value)
      overrides = { default: value }
    } catch {
      // not writable: the schema editor falls back to the column type's zero value
    }
  }
  return new AddField({ modelName: model.meta.modelName, name: field.name, field: rebuildField(field, overrides) })
}

function diffFields(
  then: ModelClassLike,
  now: ModelClassLike,
  bucket: (app: string, name: keyof Buckets) => Operation[],
  checkTarget: (model: ModelClassLike, field: AnyField) => void,
  warn: (message: string) => void,
): void {
  const app = now.meta.appLabel
  const modelName = now.meta.modelName
  const removed = then.meta.fields.filter((field) => now.meta.findField(field.name) === undefined)
  for (const field of removed) bucket(app, 'removeFields').push(new RemoveField({ modelName, name: field.name }))
  for (const field of now.meta.fields) {
    if (then.meta.findField(field.name) !== undefined) continue
    // renames are never guessed, but a look-alike pair is worth a hint before data is dropped
    const twin = removed.find(
      (old) => schemaSignature(old, { column: false }) === schemaSignature(field, { column: false }),
    )
    if (twin !== undefined) {
      warn(
        `${now.meta.label}: '${twin.name}' is removed and '${field.name}' added with the same definition. ` +
          `If it is a rename, run makemigrations --rename ${now.meta.label}.${twin.name}:${field.name} ` +
          '(a removal drops the column and its data).',
      )
    }
  }
  for (const field of now.meta.fields) {
    checkTarget(now, field)
    const old = then.meta.findField(field.name)
    if (old === undefined) {
      const op = addFieldOperation(now, field)
      if (op.field.concrete && !op.field.nullable && !op.field.generated && !op.field.hasDefault()) {
        warn(
          `${now.meta.label}.${field.name} is added NOT NULL without a default: on PostgreSQL the migration fails ` +
            'if the table has rows (SQLite fills them with an empty value). Give it a default or null: true, or ' +
            'fill it in the migration by hand (add it nullable, RunSQL an UPDATE, then AlterField).',
        )
      }
      bucket(app, 'addFields').push(op)
      continue
    }
    if (schemaSignature(old) === schemaSignature(field)) continue
    if (old.concrete !== field.concrete) {
      // a column cannot become a junction table (or back): drop one, create the other
      warn(`${now.meta.label}.${field.name}: changing to or from a many-to-many field drops the old data.`)
      bucket(app, 'removeFields').push(new RemoveField({ modelName, name: field.name }))
      bucket(app, 'addFields').push(addFieldOperation(now, field))
      continue
    }
    bucket(app, 'alterFields').push(new AlterField({ modelName, name: field.name, field: rebuildField(field) }))
  }
}

/** Calls `removed` / `added` for indexes or constraints by name; a changed definition is both. */
function diffNamed<T extends Index | Constraint>(
  then: readonly T[],
  now: readonly T[],
  removed: (item: T) => void,
  added: (item: T) => void,
): void {
  const nowByName = new Map(now.map((item) => [item.name, item] as const))
  const thenByName = new Map(then.map((item) => [item.name, item] as const))
  for (const item of then) {
    const next = nowByName.get(item.name)
    if (next === undefined || definitionKey(next) !== definitionKey(item)) removed(item)
  }
  for (const item of now) {
    const prev = thenByName.get(item.name)
    if (prev === undefined || definitionKey(prev) !== definitionKey(item)) added(item)
  }
}

/** The fields of a model, names and schema, for spotting a renamed model. */
function modelShape(model: ModelClassLike): string {
  return JSON.stringify(model.meta.fields.map((f) => [f.name, schemaSignature(f, { column: false })]))
}

/** Deleted models, those holding relations to other deleted models first. */
function deletionOrder(deleted: readonly ModelClassLike[]): ModelClassLike[] {
  const keys = new Set(deleted.map(keyOf))
  const referencedBy = (model: ModelClassLike): string[] =>
    deleted
      .filter((other) => other !== model)
      .filter((other) =>
        other.meta.fields.some(
          (f) => f.isRelation && keyOf((f as unknown as RelationLike).relatedModel) === keyOf(model),
        ),
      )
      .map(keyOf)
  const out: ModelClassLike[] = []
  const done = new Set<string>()
  const pending = [...deleted]
  while (pending.length > 0) {
    let index = pending.findIndex((model) => referencedBy(model).every((key) => done.has(key) || !keys.has(key)))
    if (index === -1) index = 0
    const model = pending.splice(index, 1)[0] as ModelClassLike
    out.push(model)
    done.add(keyOf(model))
  }
  return out
}

/**
 * The cross-app dependencies of `changes`: an app whose operations point at a model of another
 * app runs after the migration that creates it (the one being written, or that app's latest); an
 * app deleting a model runs after the new migrations of the apps that pointed at it.
 *
 * @example
 * ```ts
 * changeDependencies(changes, state) // [{ app: 'shop', on: 'accounts', onNew: true }]
 * ```
 */
export function changeDependencies(
  changes: ReadonlyMap<string, readonly Operation[]>,
  fromState: ProjectState,
): ChangeDependency[] {
  const out = new Map<string, ChangeDependency>()
  const add = (dependency: ChangeDependency): void => {
    const key = `${dependency.app}\0${dependency.on}`
    const known = out.get(key)
    if (known === undefined || (!known.onNew && dependency.onNew)) out.set(key, dependency)
  }
  const createdBy = (app: string, model: string): boolean =>
    (changes.get(app) ?? []).some((op) => op instanceof CreateModel && op.name.toLowerCase() === model.toLowerCase())
  for (const [app, ops] of changes) {
    for (const op of ops) {
      const fields =
        op instanceof CreateModel
          ? Object.values(op.fields)
          : op instanceof AddField || op instanceof AlterField
            ? [op.field]
            : []
      for (const field of fields) {
        const target = relationTarget(field)
        if (target === undefined) continue
        const [on, model] = target.split('.') as [string, string]
        if (on === app) continue
        add({ app, on, onNew: createdBy(on, model) })
      }
    }
  }
  const rendered = fromState.models.size > 0 ? fromState.renderAll() : []
  for (const [app, ops] of changes) {
    for (const op of ops) {
      if (!(op instanceof DeleteModel)) continue
      const gone = modelKey(app, op.name)
      for (const model of rendered) {
        const other = model.meta.appLabel
        if (other === app || !changes.has(other)) continue
        const points = model.meta.fields.some(
          (f) => f.isRelation && keyOf((f as unknown as RelationLike).relatedModel) === gone,
        )
        if (points) add({ app, on: other, onNew: true })
      }
    }
  }
  return [...out.values()]
}

function trimToApps(
  changes: Map<string, Operation[]>,
  fromState: ProjectState,
  apps: readonly string[],
): Map<string, Operation[]> {
  const dependencies = changeDependencies(changes, fromState)
  const keep = new Set(apps)
  const queue = [...apps]
  while (queue.length > 0) {
    const app = queue.pop() as string
    for (const dependency of dependencies) {
      if (dependency.app === app && dependency.onNew && !keep.has(dependency.on)) {
        keep.add(dependency.on)
        queue.push(dependency.on)
      }
    }
  }
  return new Map([...changes].filter(([app]) => keep.has(app)))
}
