/** Checks that a run never printed a secret, except in the `::add-mask::` command that hides it. */
import { expect } from 'vitest'
import type { ActionRun } from './run-action.js'

/**
 * Fails when `secret` appears in stdout (outside `::add-mask::` lines), stderr, the summary or the outputs.
 *
 * @example
 * ```ts
 * expectNeverShown(run, databaseUrl)
 * ```
 */
export function expectNeverShown(run: ActionRun, secret: string): void {
  const leaking = run.stdout.split('\n').filter((line) => line.includes(secret) && !line.startsWith('::add-mask::'))
  expect(leaking).toEqual([])
  expect(run.stderr).not.toContain(secret)
  expect(run.summary).not.toContain(secret)
  expect(JSON.stringify(run.outputs)).not.toContain(secret)
}
