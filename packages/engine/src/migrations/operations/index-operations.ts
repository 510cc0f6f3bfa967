import { MigrationError } from '../../errors.js'
import type { Constraint, Index } from '../../models/constraints.js'
import { constraintSql } from '../../schema/create-model-sql.js'
import type { ProjectState } from '../migration-state.js'
import { Operation, type OperationContext } from './operation.js'

/**
 * Creates an index; `concurrently: true` builds it without blocking writes on PostgreSQL (the
 * migration must then be `atomic: false`).
 *
 * @example
 * ```ts
 * new AddIndex({ modelName: 'author', index: new Index({ fields: ['score'], name: 'author_score_idx' }), concurrently: true })
 * ```
 */
export class AddIndex extends Operation {
  readonly kind = 'AddIndex'
  readonly modelName: string
  readonly index: Index
  readonly concurrently: boolean

  constructor(options: { modelName: string; index: Index; concurrently?: boolean }) {
    super()
    this.modelName = options.modelName
    this.index = options.index
    this.concurrently = options.concurrently ?? false
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.modelName)
    const indexes = model.options.indexes ?? []
    if (indexes.some((i) => i.name === this.index.name)) {
      throw new MigrationError(`AddIndex: an index named '${this.index.name}' already exists on ${app}.${model.name}.`)
    }
    state.set({ ...model, options: { ...model.options, indexes: [...indexes, this.index] } })
  }

  async databaseForwards({ app, editor, to }: OperationContext): Promise<void> {
    await editor.addIndex(to.render(app, this.modelName), this.index, this.concurrently)
  }

  async databaseBackwards({ editor }: OperationContext): Promise<void> {
    await editor.removeIndex(this.index, this.concurrently)
  }

  describe(): string {
    return `Create index ${this.index.name} on ${this.index.fields.join(', ')} of ${this.modelName}`
  }
}

/** Drops an index (by name; its definition comes from the migration state, to undo). */
export class RemoveIndex extends Operation {
  readonly kind = 'RemoveIndex'
  readonly modelName: string
  readonly name: string
  readonly concurrently: boolean

  constructor(options: { modelName: string; name: string; concurrently?: boolean }) {
    super()
    this.modelName = options.modelName
    this.name = options.name
    this.concurrently = options.concurrently ?? false
  }

  #find(app: string, state: ProjectState): Index {
    const index = (state.get(app, this.modelName).options.indexes ?? []).find((i) => i.name === this.name)
    if (index === undefined)
      throw new MigrationError(`RemoveIndex: no index '${this.name}' on ${app}.${this.modelName}.`)
    return index
  }

  stateForwards(app: string, state: ProjectState): void {
    this.#find(app, state)
    const model = state.get(app, this.modelName)
    state.set({
      ...model,
      options: { ...model.options, indexes: (model.options.indexes ?? []).filter((i) => i.name !== this.name) },
    })
  }

  async databaseForwards({ app, editor, from }: OperationContext): Promise<void> {
    await editor.removeIndex(this.#find(app, from), this.concurrently)
  }

  async databaseBackwards({ app, editor, to }: OperationContext): Promise<void> {
    await editor.addIndex(to.render(app, this.modelName), this.#find(app, to), this.concurrently)
  }

  describe(): string {
    return `Remove index ${this.name} from ${this.modelName}`
  }
}

/**
 * Adds a UniqueConstraint or CheckConstraint. `notValid: true` (CHECK only) adds it on PostgreSQL
 * with `NOT VALID`: a brief lock, existing rows are not checked (new and updated ones are); a
 * {@link ValidateConstraint} in a later migration then checks them without blocking traffic. On
 * SQLite and libsql, which have no NOT VALID, the table is rebuilt with the constraint as usual.
 *
 * @example
 * ```ts
 * new AddConstraint({ modelName: 'customer', constraint: new UniqueConstraint({ fields: ['email'], name: 'customer_email_uniq' }) })
 * new AddConstraint({ modelName: 'order', constraint: new CheckConstraint({ check: 'total >= 0', name: 'order_total_nonnegative' }), notValid: true })
 * ```
 */
export class AddConstraint extends Operation {
  readonly kind = 'AddConstraint'
  readonly modelName: string
  readonly constraint: Constraint
  /** Add it NOT VALID on PostgreSQL (existing rows unchecked until a ValidateConstraint). */
  readonly notValid: boolean

  constructor(options: { modelName: string; constraint: Constraint; notValid?: boolean }) {
    super()
    this.modelName = options.modelName
    this.constraint = options.constraint
    this.notValid = options.notValid ?? false
    if (this.notValid && options.constraint.kind !== 'CheckConstraint') {
      throw new MigrationError(
        `AddConstraint '${options.constraint.name}': notValid applies to CHECK constraints only; PostgreSQL has no ` +
          'NOT VALID for UNIQUE. Build a unique index with AddIndex({ index: new Index({ ..., unique: true }), ' +
          'concurrently: true }) in an atomic: false migration instead, or drop notValid.',
      )
    }
  }

  stateForwards(app: string, state: ProjectState): void {
    const model = state.get(app, this.modelName)
    const constraints = model.options.constraints ?? []
    if (constraints.some((c) => c.name === this.constraint.name)) {
      throw new MigrationError(`AddConstraint: '${this.constraint.name}' already exists on ${app}.${model.name}.`)
    }
    state.set({ ...model, options: { ...model.options, constraints: [...constraints, this.constraint] } })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    const model = from.render(app, this.modelName)
    if (this.notValid && editor.postgres) {
      const clause = constraintSql(model, this.constraint, editor.dialect)
      await editor.execute(`ALTER TABLE ${editor.q(model.meta.dbTable)} ADD ${clause} NOT VALID`)
      return
    }
    await editor.addConstraint(model, this.constraint, to.render(app, this.modelName))
  }

  async databaseBackwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.removeConstraint(from.render(app, this.modelName), this.constraint, to.render(app, this.modelName))
  }

  describe(): string {
    return `Create constraint ${this.constraint.name} on ${this.modelName}${this.notValid ? ' (NOT VALID)' : ''}`
  }
}

/** Drops a constraint by name. */
export class RemoveConstraint extends Operation {
  readonly kind = 'RemoveConstraint'
  readonly modelName: string
  readonly name: string

  constructor(options: { modelName: string; name: string }) {
    super()
    this.modelName = options.modelName
    this.name = options.name
  }

  #find(app: string, state: ProjectState): Constraint {
    const constraint = (state.get(app, this.modelName).options.constraints ?? []).find((c) => c.name === this.name)
    if (constraint === undefined)
      throw new MigrationError(`RemoveConstraint: no constraint '${this.name}' on ${app}.${this.modelName}.`)
    return constraint
  }

  stateForwards(app: string, state: ProjectState): void {
    this.#find(app, state)
    const model = state.get(app, this.modelName)
    state.set({
      ...model,
      options: { ...model.options, constraints: (model.options.constraints ?? []).filter((c) => c.name !== this.name) },
    })
  }

  async databaseForwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.removeConstraint(
      from.render(app, this.modelName),
      this.#find(app, from),
      to.render(app, this.modelName),
    )
  }

  async databaseBackwards({ app, editor, from, to }: OperationContext): Promise<void> {
    await editor.addConstraint(from.render(app, this.modelName), this.#find(app, to), to.render(app, this.modelName))
  }

  describe(): string {
    return `Remove constraint ${this.name} from ${this.modelName}`
  }
}
