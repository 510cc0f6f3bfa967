import { MigrationError } from '../../errors.js'
import type { AnyField } from '../../models/fields/field.js'
import type { ModelState, ProjectState } from '../migration-state.js'
import { Operation, type OperationContext } from './operation.js'

function fieldOf(model: ModelState, name: string, app: string): AnyField {
  const entry = model.fields.find(([n]) => n === name)
  if (entry === undefined) {
    throw new MigrationError(
      `No field '${name}' on ${app}.${model.name} at this point of the migration history. ` +
        `Fields: ${model.fields.map(([n]) => n).join(', ')}.`,
    )
  }
  return entry[1]
}

/**
 * Adds a field (a column, or a junction table for a many-to-many field).
 *
 * @example
 * ```ts
 * new AddField({ modelName: 'author', name: 'score', field: new IntegerField({ default: 0 }) })
 * ```
 */
export class AddField extends Operation {
  readonly kind = 'AddField'
  readonly modelName: string
  readonly name: string
  readonly field: AnyField

  constructor(options: { modelName: string; name: string; field: AnyField }) {
    super()
    this.modelName = options.modelName
    this.name = options.name
    this.field = options.field
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.modelName)
    if (model.fields.some(([n]) => n === this.name)) {
      throw new MigrationError(`AddField: ${app}.${model.name} already has a field '${this.name}'.`)
    }
    state.set({ ...model, fields: [...model.fields, [this.name, this.field]] })
  }

  async databaseForwards({ app, editor, to }: OperationContext): Promise<void> {
    const model = to.render(app, this.modelName)
    await editor.addField(model, model.meta.getField(this.name))
  }

  async databaseBackwards({ app, editor, from, to }: OperationContext): Promise<void> {
    const model = from.render(app, this.modelName)
    await editor.removeField(model, model.meta.getField(this.name), to.render(app, this.modelName))
  }

  describe(): string {
    return `Add field ${this.name} to ${this.modelName}`
  }
}

/** Removes a field and its column. */
export class RemoveField extends Operation {
  readonly kind = 'RemoveField'
  readonly modelName: string
  readonly name: string

  constructor(options: { modelName: string; name: string }) {
    super()
    this.modelName = options.modelName
    this.name = options.name
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.modelName)
    fieldOf(model, this.name, app)
    state.set({ ...model, fields: model.fields.filter(([n]) => n !== this.name) })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    const model = from.render(app, this.modelName)
    await editor.removeField(model, model.meta.getField(this.name), to.render(app, this.modelName))
  }

  async databaseBackwards({ app, editor, to }: OperationContext): Promise<void> {
    const model = to.render(app, this.modelName)
    await editor.addField(model, model.meta.getField(this.name))
  }

  describe(): string {
    return `Remove field ${this.name} from ${this.modelName}`
  }
}

/** Changes a field's definition (type, nullability, uniqueness, index). */
export class AlterField extends Operation {
  readonly kind = 'AlterField'
  readonly modelName: string
  readonly name: string
  readonly field: AnyField

  constructor(options: { modelName: string; name: string; field: AnyField }) {
    super()
    this.modelName = options.modelName
    this.name = options.name
    this.field = options.field
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.modelName)
    fieldOf(model, this.name, app)
    state.set({ ...model, fields: model.fields.map(([n, f]) => [n, n === this.name ? this.field : f] as const) })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    const before = from.render(app, this.modelName)
    const after = to.render(app, this.modelName)
    await editor.alterField(before, before.meta.getField(this.name), after.meta.getField(this.name), after)
  }

  async databaseBackwards(context: OperationContext): Promise<void> {
    // the states come swapped, so going back is the same change the other way
    await this.databaseForwards(context)
  }

  describe(): string {
    return `Alter field ${this.name} on ${this.modelName}`
  }
}

/** Renames a field (and its column). */
export class RenameField extends Operation {
  readonly kind = 'RenameField'
  readonly modelName: string
  readonly oldName: string
  readonly newName: string

  constructor(options: { modelName: string; oldName: string; newName: string }) {
    super()
    this.modelName = options.modelName
    this.oldName = options.oldName
    this.newName = options.newName
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.modelName)
    fieldOf(model, this.oldName, app)
    state.set({ ...model, fields: model.fields.map(([n, f]) => [n === this.oldName ? this.newName : n, f] as const) })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    const before = from.render(app, this.modelName)
    const after = to.render(app, this.modelName)
    await editor.renameField(before, before.meta.getField(this.oldName), after.meta.getField(this.newName))
  }

  async databaseBackwards({ app, editor, from, to }: OperationContext): Promise<void> {
    const before = from.render(app, this.modelName)
    const after = to.render(app, this.modelName)
    await editor.renameField(before, before.meta.getField(this.newName), after.meta.getField(this.oldName))
  }

  describe(): string {
    return `Rename field ${this.oldName} on ${this.modelName} to ${this.newName}`
  }
}
