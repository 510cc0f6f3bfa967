import { MigrationError } from '../../errors.js'
import type { AnyField } from '../../models/fields/field.js'
import type { MetaOptions } from '../../models/model-meta.js'
import type { ProjectState } from '../migration-state.js'
import { Operation, type OperationContext } from './operation.js'

/**
 * Creates a model and its table.
 *
 * @example
 * ```ts
 * new CreateModel({ name: 'Customer', fields: { id: new BigAutoField({ primaryKey: true }), name: new CharField({ maxLength: 100 }) }, options: { dbTable: 'shop_customer' } })
 * ```
 */
export class CreateModel extends Operation {
  readonly kind = 'CreateModel'
  readonly name: string
  readonly fields: Readonly<Record<string, AnyField>>
  readonly options: Readonly<MetaOptions>

  constructor(options: { name: string; fields: Record<string, AnyField>; options?: MetaOptions }) {
    super()
    this.name = options.name
    this.fields = options.fields
    this.options = options.options ?? {}
  }

  stateForwards(app: string, state: ProjectState): void {
    if (state.has(app, this.name)) {
      throw new MigrationError(`CreateModel: model '${this.name}' already exists in app '${app}' at this point.`)
    }
    state.set({ app, name: this.name, fields: Object.entries(this.fields), options: this.options })
  }

  async databaseForwards({ app, editor, to }: OperationContext): Promise<void> {
    if (this.options.managed === false) return
    await editor.createModel(to.render(app, this.name))
  }

  async databaseBackwards({ app, editor, from }: OperationContext): Promise<void> {
    if (this.options.managed === false) return
    await editor.deleteModel(from.render(app, this.name))
  }

  describe(): string {
    return `Create model ${this.name}`
  }
}

/** Deletes a model and drops its table. */
export class DeleteModel extends Operation {
  readonly kind = 'DeleteModel'
  readonly name: string

  constructor(options: { name: string }) {
    super()
    this.name = options.name
  }

  stateForwards(app: string, state: ProjectState): void {
    state.get(app, this.name)
    state.remove(app, this.name)
  }

  async databaseForwards({ app, editor, from }: OperationContext): Promise<void> {
    const model = from.render(app, this.name)
    if (model.meta.managed) await editor.deleteModel(model)
  }

  async databaseBackwards({ app, editor, to }: OperationContext): Promise<void> {
    const model = to.render(app, this.name)
    if (model.meta.managed) await editor.createModel(model)
  }

  describe(): string {
    return `Delete model ${this.name}`
  }
}

/** Renames a model (and its table, when the table name was the default one). */
export class RenameModel extends Operation {
  readonly kind = 'RenameModel'
  readonly oldName: string
  readonly newName: string

  constructor(options: { oldName: string; newName: string }) {
    super()
    this.oldName = options.oldName
    this.newName = options.newName
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.oldName)
    state.remove(app, this.oldName)
    state.set({ ...model, name: this.newName })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.alterDbTable(from.render(app, this.oldName).meta.dbTable, to.render(app, this.newName).meta.dbTable)
  }

  async databaseBackwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.alterDbTable(from.render(app, this.newName).meta.dbTable, to.render(app, this.oldName).meta.dbTable)
  }

  describe(): string {
    return `Rename model ${this.oldName} to ${this.newName}`
  }
}

/** Moves a model to another table name. */
export class AlterModelTable extends Operation {
  readonly kind = 'AlterModelTable'
  readonly name: string
  readonly table: string

  constructor(options: { name: string; table: string }) {
    super()
    this.name = options.name
    this.table = options.table
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.name)
    state.set({ ...model, options: { ...model.options, dbTable: this.table } })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.alterDbTable(from.render(app, this.name).meta.dbTable, to.render(app, this.name).meta.dbTable)
  }

  async databaseBackwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.alterDbTable(from.render(app, this.name).meta.dbTable, to.render(app, this.name).meta.dbTable)
  }

  describe(): string {
    return `Rename table for ${this.name} to ${this.table}`
  }
}
