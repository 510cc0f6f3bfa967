/**
 * `ValidateConstraint`: the second half of the safe way to add a CHECK or a foreign key to a
 * large PostgreSQL table. `AddConstraint({ ..., notValid: true })` (or RunSQL `... NOT VALID`)
 * adds the constraint with a brief lock and checks only new rows; this checks the existing rows
 * under SHARE UPDATE EXCLUSIVE, so reads and writes go on during the scan. Run it in a later
 * migration than the NOT VALID add: in the same transaction the add's strong lock would be held
 * through the whole scan (DORM-M019).
 */
import { MigrationError } from '../../errors.js'
import type { ProjectState } from '../migration-state.js'
import { Operation, type OperationContext } from './operation.js'

/**
 * Validates a constraint added NOT VALID (`ALTER TABLE ... VALIDATE CONSTRAINT ...` on
 * PostgreSQL; nothing on SQLite and libsql, whose constraints are always checked). It leaves the
 * migration state unchanged and rolls back as a no-op: a validated constraint is the same
 * constraint.
 *
 * @example
 * ```ts
 * // 0005: new AddConstraint({ modelName: 'order', constraint: new CheckConstraint({ check: 'total >= 0', name: 'order_total_nonnegative' }), notValid: true })
 * // 0006:
 * new ValidateConstraint({ modelName: 'order', name: 'order_total_nonnegative' })
 * ```
 */
export class ValidateConstraint extends Operation {
  readonly kind = 'ValidateConstraint'
  readonly modelName: string
  /** The constraint's name (from AddConstraint, or from RunSQL for a foreign key added NOT VALID). */
  readonly name: string

  constructor(options: { modelName: string; name: string }) {
    super()
    if (typeof options?.modelName !== 'string' || options.modelName === '') {
      throw new MigrationError(
        "ValidateConstraint needs a modelName, e.g. new ValidateConstraint({ modelName: 'order', name: 'order_total_nonnegative' }).",
      )
    }
    if (typeof options.name !== 'string' || options.name === '') {
      throw new MigrationError(
        `ValidateConstraint on '${options.modelName}' needs the constraint's name, e.g. ` +
          `new ValidateConstraint({ modelName: '${options.modelName}', name: 'order_total_nonnegative' }).`,
      )
    }
    this.modelName = options.modelName
    this.name = options.name
  }

  stateForwards(app: string, state: ProjectState): void {
    // the model must exist; the constraint may come from RunSQL, which the state does not know
    state.get(app, this.modelName)
  }

  async databaseForwards({ app, editor, from }: OperationContext): Promise<void> {
    if (!editor.postgres) return
    const table = from.render(app, this.modelName).meta.dbTable
    await editor.execute(`ALTER TABLE ${editor.q(table)} VALIDATE CONSTRAINT ${editor.q(this.name)}`)
  }

  async databaseBackwards(): Promise<void> {
    // nothing to undo: PostgreSQL cannot mark a constraint NOT VALID again, and need not
  }

  describe(): string {
    return `Validate constraint ${this.name} on ${this.modelName}`
  }
}
