/**
 * `command: check` (the pull request check): lint, then with a database the dry-run and the diff.
 * Without `database-url` only the lint runs, and the summary says so.
 */
import type { ActionContext } from '../context.js'
import { diffStep } from './diff.js'
import { dryRunStep } from './dry-run.js'
import { lintStep } from './lint.js'

/**
 * `command: check`.
 *
 * @example
 * ```ts
 * await checkCommand(context) // report.lint, and report.dryRun / report.diff with a database
 * ```
 */
export async function checkCommand(context: ActionContext): Promise<void> {
  const { report } = context
  report.lint = await lintStep(context)
  if (context.inputs.databaseUrl === undefined) {
    report.notes.push('Dry-run and drift check skipped: set the database-url input to see the SQL and the drift.')
    return
  }
  report.dryRun = await dryRunStep(context)
  report.diff = await diffStep(context, report.dryRun.pending.length)
}
