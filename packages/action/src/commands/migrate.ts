/**
 * `command: migrate` (the deploy gate): lint, stop when findings reach `fail-on`, show the SQL
 * about to run, apply under dorm's migrate lock, then check the live schema for drift.
 */
import type { ActionContext } from '../context.js'
import { ActionFailure } from '../errors.js'
import { blockingFindings } from '../report.js'
import { failureOf } from '../run-dorm.js'
import { diffStep } from './diff.js'
import { dryRunStep, migrateJson } from './dry-run.js'
import { lintStep } from './lint.js'

/**
 * `command: migrate`. Throws an {@link ActionFailure} when lint blocks the deploy (nothing is
 * applied) or the migration fails (what was applied before the failure is in the report).
 *
 * @example
 * ```ts
 * await migrateCommand(context) // report.lint, report.dryRun, report.migrate, report.diff
 * ```
 */
export async function migrateCommand(context: ActionContext): Promise<void> {
  const { report, inputs } = context
  report.lint = await lintStep(context)
  const blocking = blockingFindings(report.lint, inputs.failOn)
  if (blocking > 0) {
    throw new ActionFailure(
      'findings',
      `Not migrating: ${blocking} lint finding(s) at or above fail-on: ${inputs.failOn}. Fix them, suppress the ` +
        'accepted ones with // noqa: DORM-M0NN, or lower fail-on.',
    )
  }
  report.dryRun = await dryRunStep(context)
  const { run, value } = await migrateJson(context.dorm, [])
  report.migrate = { applied: value.applied, pending: value.pending, error: value.error }
  if (value.error !== null || run.code !== 0) {
    const failure = failureOf(run)
    const where = value.error?.migration ? ` in ${value.error.migration}` : ''
    const message = value.error?.message ?? failure.message
    throw new ActionFailure(
      failure.kind,
      `dorm migrate stopped${where} after applying ${value.applied.length} migration(s): ${message}`,
    )
  }
  report.diff = await diffStep(context, 0)
}
