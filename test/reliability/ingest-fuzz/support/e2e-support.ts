/**
 * The e2e suite's helpers this area reuses as they are: where the dashboard and Next live, and
 * running a TypeScript helper through tsx.
 *
 * @example
 * ```ts
 * const { stdout } = await runTs(script, { cwd: DASHBOARD_DIR, env })
 * ```
 */
export { DASHBOARD_DIR, NEXT_BIN, REPO_ROOT } from '../../../../e2e/support/paths.js'
export { runNode, runTs } from '../../../../e2e/support/processes.js'
