/** `command: diff`: the models against the live schema (`dorm diff --json`); drift fails the step. */
import type { ActionContext } from '../context.js'
import type { DiffResult, DriftFinding } from '../report.js'

/**
 * Runs `dorm diff --json`. With `pending` migrations not yet applied, drift is what they would
 * change: reported, flagged as explained, and not a failure.
 *
 * @example
 * ```ts
 * const diff = await diffStep(context, 0)
 * if (diff.drift) console.log(diff.findings.map((f) => f.detail))
 * ```
 */
export async function diffStep(context: ActionContext, pending: number): Promise<DiffResult> {
  const { value } = await context.dorm.json<{ drift: boolean; findings: DriftFinding[] }>(['diff', '--json'], [0, 1])
  return { drift: value.drift, findings: value.findings, explainedByPending: value.drift && pending > 0 }
}

/**
 * `command: diff` (the nightly drift check, or after a deploy).
 *
 * @example
 * ```ts
 * await diffCommand(context) // context.report.diff is set
 * ```
 */
export async function diffCommand(context: ActionContext): Promise<void> {
  context.report.diff = await diffStep(context, 0)
}
