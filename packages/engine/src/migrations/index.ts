/**
 * `@dorm/engine/migrations`: migration files, operations, and the machinery that applies them.
 *
 * @example
 * ```ts
 * import { migration, AddField, AddIndex, RunSQL, RunCode } from '@dorm/engine/migrations'
 * ```
 */
export {
  type ChangeDependency,
  changeDependencies,
  type DetectOptions,
  detectChanges,
  type FieldRename,
} from './autodetector.js'
export {
  type DeconstructedField,
  deconstructField,
  rebuildField,
  schemaSignature,
  UNWRITTEN_OPTIONS,
} from './field-deconstruction.js'
export { serializeValue } from './field-serializer.js'
export { Finding, type FindingJson } from './lint/finding.js'
export type { LintRule, LintTarget, RuleHit, Severity, SqlStatement } from './lint/lint-rule.js'
export {
  DEFAULT_LINT_TARGET,
  type LintOptions,
  lintMigrations,
  lintTargetFromSettings,
  listMigrationFiles,
  type MigrationFile,
} from './lint/linter.js'
export { formatFindings, REPORT_FORMATS, type ReportFormat } from './lint/reporters/index.js'
export { RULES } from './lint/rules/index.js'
export { type Migration, type MigrationDefinition, type MigrationDependency, migration } from './migration.js'
export { MigrationExecutor, type PlanStep, type RunOptions, type RunResult } from './migration-executor.js'
export { MigrationGraph, migrationKey } from './migration-graph.js'
export {
  loadMigrations,
  MIGRATION_FILE,
  type MigrationApp,
  type ModuleImporter,
  nativeImporter,
} from './migration-loader.js'
export { MIGRATION_LOCK_KEY, MigrationLockTimeout, withMigrationLock } from './migration-lock.js'
export {
  checkMigrationName,
  type PlannedMigration,
  type PlanOptions,
  planEmptyMigration,
  planMigrations,
  suggestName,
} from './migration-planner.js'
export { MigrationRecorder, RECORDER_TABLE } from './migration-recorder.js'
export { type ModelState, modelKey, ProjectState } from './migration-state.js'
export {
  DEFAULT_IMPORTS,
  type MigrationImports,
  type MigrationSourceInput,
  migrationSource,
  type WriteOptions,
} from './migration-writer.js'
export { AddField, AlterField, RemoveField, RenameField } from './operations/field-operations.js'
export { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from './operations/index-operations.js'
export { AlterModelTable, CreateModel, DeleteModel, RenameModel } from './operations/model-operations.js'
export { Operation, type OperationContext } from './operations/operation.js'
export { RunCode, type RunCodeContext, type RunCodeFunction, RunSQL } from './operations/special-operations.js'
export { ValidateConstraint } from './operations/validate-constraint.js'
export { type LockNotAvailableDetails, MigrationLockNotAvailable } from './statement-lock-timeout.js'
