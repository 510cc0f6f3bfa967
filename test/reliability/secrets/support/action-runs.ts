/**
 * The Action's own test helpers, reused as they are: run the committed bundle
 * (packages/action/dist/index.js) with the runner's contract, a throwaway repository holding the
 * fixture project, and local HTTP servers standing in for GitHub's API and the dashboard.
 *
 * @example
 * ```ts
 * const ws = createWorkspace()
 * const run = await runAction({ workspace: ws.dir, inputs: { command: 'lint', 'working-directory': 'project' } })
 * ```
 */

export type { Recorder } from '../../../../packages/action/test/support/recorder.js'
export { startFakeGithub, startRecorder } from '../../../../packages/action/test/support/recorder.js'
export { type ActionRun, runAction } from '../../../../packages/action/test/support/run-action.js'
export { createWorkspace, type Workspace } from '../../../../packages/action/test/support/workspace.js'
