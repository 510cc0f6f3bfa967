import { MigrationError } from '../errors.js'
import { Operation } from './operations/operation.js'

/** `[app, name]` of a migration another one depends on. */
export type MigrationDependency = readonly [app: string, name: string]

/** What a migration file's default export declares. */
export interface MigrationDefinition {
  readonly dependencies: readonly MigrationDependency[]
  readonly operations: readonly Operation[]
  /** Run the whole file in one transaction with its recorder row (default true). */
  readonly atomic: boolean
  /** Migrations this one squashes (it counts as applied once they all are). */
  readonly replaces: readonly MigrationDependency[]
}

/** A loaded migration: its definition plus where it came from. */
export interface Migration extends MigrationDefinition {
  readonly app: string
  readonly name: string
  /** Absolute path of the file, for messages and the linter. */
  readonly file: string
}

/**
 * Declares a migration (the default export of `<app>/migrations/NNNN_name.ts`).
 *
 * @example
 * ```ts
 * export default migration({
 *   dependencies: [['library', '0001_initial']],
 *   operations: [new AddField({ modelName: 'author', name: 'score', field: new IntegerField({ default: 0 }) })],
 * })
 * ```
 */
export function migration(definition: {
  dependencies?: readonly MigrationDependency[]
  operations: readonly Operation[]
  atomic?: boolean
  replaces?: readonly MigrationDependency[]
}): MigrationDefinition {
  if (!definition || !Array.isArray(definition.operations)) {
    throw new MigrationError(
      'migration({...}) needs an operations array, e.g. migration({ operations: [new CreateModel({...})] }).',
    )
  }
  definition.operations.forEach((op, i) => {
    if (!(op instanceof Operation)) {
      throw new MigrationError(
        `operations[${i}] is not a migration operation (got ${typeof op}). Use the classes from '@dorm/engine/migrations'.`,
      )
    }
  })
  for (const dep of definition.dependencies ?? []) {
    if (!Array.isArray(dep) || dep.length !== 2 || typeof dep[0] !== 'string' || typeof dep[1] !== 'string') {
      throw new MigrationError(`a dependency must be ['app', 'NNNN_name'], got ${JSON.stringify(dep)}.`)
    }
  }
  return {
    dependencies: definition.dependencies ?? [],
    operations: definition.operations,
    atomic: definition.atomic ?? true,
    replaces: definition.replaces ?? [],
  }
}
