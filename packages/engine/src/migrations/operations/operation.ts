/**
 * The contract every migration operation follows (as Django's): it changes the project state
 * (`stateForwards`), applies itself to a database (`databaseForwards`), undoes itself
 * (`databaseBackwards`, when `reversible`), and describes itself for humans, the linter and the
 * writer.
 */
import type { SchemaEditor } from '../../schema/schema-editor.js'
import type { ProjectState } from '../migration-state.js'

/** What an operation gets to work with while applying. */
export interface OperationContext {
  readonly app: string
  readonly editor: SchemaEditor
  /** The state before this operation (forwards) / after it (backwards). */
  readonly from: ProjectState
  /** The state after this operation (forwards) / before it (backwards). */
  readonly to: ProjectState
}

/**
 * Base class of every operation.
 *
 * @example
 * ```ts
 * class NoOp extends Operation {
 *   readonly kind = 'NoOp'
 *   stateForwards() {}
 *   async databaseForwards() {}
 *   async databaseBackwards() {}
 *   describe() { return 'Does nothing' }
 * }
 * ```
 */
export abstract class Operation {
  /** The class name (`AddField`), used in reprs, lint findings and the writer. */
  abstract readonly kind: string
  /** Whether `databaseBackwards` can undo it. */
  get reversible(): boolean {
    return true
  }

  abstract stateForwards(app: string, state: ProjectState): void
  abstract databaseForwards(context: OperationContext): Promise<void>
  abstract databaseBackwards(context: OperationContext): Promise<void>
  /** A sentence for humans: `Add field score to author`. */
  abstract describe(): string

  /** `AddField(name='score', model_name='author')`: the identifying attributes, as the seed prints them. */
  repr(): string {
    const self = this as unknown as Record<string, unknown>
    const parts: string[] = []
    for (const key of ['name', 'modelName', 'oldName', 'newName', 'table'] as const) {
      const value = self[key]
      if (typeof value === 'string') parts.push(`${key === 'modelName' ? 'model_name' : key}='${value}'`)
    }
    return parts.length > 0 ? `${this.kind}(${parts.join(', ')})` : this.kind
  }
}
