/**
 * What one run of the Action found and did: the single source for the annotations, the job
 * summary, the PR comment, the JSON report, the outputs and the dashboard's deploy report.
 */
import type { FailOn } from './inputs.js'

/** One finding of `dorm lint-migrations --format json`, plus its path from the repository root. */
export interface LintFinding {
  readonly code: string
  readonly rule: string
  readonly severity: 'error' | 'warning'
  /** As the CLI reports it: relative to the working directory. */
  readonly file: string
  /** Relative to the repository root (what annotations and SARIF need), with `/` separators. */
  readonly path: string
  readonly line: number
  readonly column: number
  readonly operation: string
  readonly message: string
  readonly help: string
  /** An absolute URL of the rule's docs page. */
  readonly docs: string
  /** Whether the finding's line is one the pull request changed. */
  readonly changedLine: boolean
}

/** The lint step's result. */
export interface LintResult {
  readonly findings: readonly LintFinding[]
  readonly errors: number
  readonly warnings: number
  /** The git ref only changed files were linted since, if any. */
  readonly since: string | undefined
  /** The SARIF log (paths from the repository root). */
  readonly sarif: string
}

/** One pending migration and the SQL it would run. */
export interface PlannedMigration {
  readonly app: string
  readonly name: string
  readonly sql: readonly string[]
}

/** The dry-run step's result. */
export interface DryRunResult {
  readonly plan: readonly PlannedMigration[]
  /** `app.name` labels, in order. */
  readonly pending: readonly string[]
  /** Whether the database is PostgreSQL (the SQL's table locks are then shown). */
  readonly postgres: boolean
}

/** The migrate step's result. */
export interface MigrateResult {
  readonly applied: readonly string[]
  readonly pending: readonly string[]
  readonly error: { readonly code: string; readonly migration: string | null; readonly message: string } | null
}

/** One finding of `dorm diff --json`. */
export interface DriftFinding {
  readonly kind: string
  readonly table?: string
  readonly column?: string
  readonly model?: string
  readonly detail: string
}

/** The diff step's result. */
export interface DiffResult {
  readonly drift: boolean
  readonly findings: readonly DriftFinding[]
  /** True when pending migrations can explain the drift (a check before deploy): reported, not failed. */
  readonly explainedByPending: boolean
}

/** The whole run. Steps that did not run are undefined. */
export interface ActionReport {
  readonly command: string
  /** The working directory, relative to the repository root (`.` for the root). */
  readonly workingDirectory: string
  readonly failOn: FailOn
  lint?: LintResult
  dryRun?: DryRunResult
  migrate?: MigrateResult
  diff?: DiffResult
  /** Steps skipped and why (e.g. no database-url for the dry-run of `check`). */
  readonly notes: string[]
  /** Findings that did not get an annotation (GitHub shows at most 10 per level per step). */
  notAnnotated?: number
  failure?: { readonly kind: string; readonly message: string }
}

/**
 * The number of findings at or above `failOn` (0 with `never`).
 *
 * @example
 * ```ts
 * blockingFindings({ errors: 1, warnings: 3 }, 'warning') // 4
 * ```
 */
export function blockingFindings(lint: Pick<LintResult, 'errors' | 'warnings'>, failOn: FailOn): number {
  if (failOn === 'never') return 0
  return failOn === 'error' ? lint.errors : lint.errors + lint.warnings
}
