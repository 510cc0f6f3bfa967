/**
 * The contract of a lint rule. One rule per file in `rules/m0NN-<slug>.ts`, registered in order in
 * `rules/index.ts`. A rule looks at one migration operation at a time (with the project state
 * before and after it, replayed from the whole history), or at one statement of a RunSQL (parsed
 * with PostgreSQL's own parser), or at the migration as a whole.
 */
import type { Migration } from '../migration.js'
import type { ProjectState } from '../migration-state.js'
import type { Operation } from '../operations/operation.js'

/** How bad a finding is. `error` findings fail CI with `--fail-on error`; both fail by default. */
export type Severity = 'error' | 'warning'

/** What the linter knows about the target database. */
export interface LintTarget {
  /** The vendor of the migrated alias (PostgreSQL unless the settings say otherwise). */
  readonly vendor: 'postgresql' | 'sqlite' | 'libsql'
  /** PostgreSQL major version (settings `LINT_POSTGRES_VERSION`, default 15): some risks vanished in 11/12. */
  readonly postgresVersion: number
}

/** Context of one operation. */
export interface OperationContext {
  readonly migration: Migration
  readonly target: LintTarget
  readonly operation: Operation
  /** Position of the operation in `migration.operations`. */
  readonly index: number
  readonly before: ProjectState
  readonly after: ProjectState
  /** `app.model` keys (lower case) of models created earlier in this same migration: nothing on them is risky. */
  readonly createdHere: ReadonlySet<string>
  /**
   * The migrations replayed before this one (every app's, dependencies first): what rules read for
   * facts the project state does not model, such as constraints that RunSQL added or validated.
   */
  readonly history?: readonly Migration[]
}

/** One parsed statement of a RunSQL. */
export interface SqlStatement {
  /** The statement's text. */
  readonly sql: string
  /** libpg-query's parse tree of the statement (`{ AlterTableStmt: {...} }` and so on). */
  readonly node: Record<string, unknown>
  /** 0-based index among the RunSQL's statements (all its sql strings, in order). */
  readonly index: number
  /** Line offset of the statement inside the RunSQL source text (0 for the first line). */
  readonly lineOffset: number
}

/** What a rule reports; the linter adds code, file, line, column and operation. */
export interface RuleHit {
  /** What is dangerous, in one or two sentences. */
  readonly message: string
  /** What to do instead, naming the dorm operations to write. */
  readonly help: string
}

/**
 * A lint rule.
 *
 * @example
 * ```ts
 * export const addFieldWithDefault: LintRule = {
 *   code: 'DORM-M001', name: 'add-field-with-default', severity: 'warning',
 *   summary: 'AddField NOT NULL with a default backfills every row',
 *   checkOperation(ctx) { return [] },
 * }
 * ```
 */
export interface LintRule {
  /** `DORM-M0NN`. */
  readonly code: string
  /** kebab-case slug, also the docs page's title. */
  readonly name: string
  readonly severity: Severity
  /** One line for rule lists and SARIF `shortDescription`. */
  readonly summary: string
  checkOperation?(context: OperationContext): readonly RuleHit[]
  /** Called for every statement of every RunSQL (forwards SQL), after `checkOperation`. */
  checkStatement?(context: OperationContext, statement: SqlStatement, all: readonly SqlStatement[]): readonly RuleHit[]
  /** Called once per migration, after its operations. */
  checkMigration?(migration: Migration, target: LintTarget): readonly RuleHit[]
}

/** The docs page of a rule. */
export function ruleDocsUrl(code: string): string {
  return `docs/rules/${code}.md`
}
