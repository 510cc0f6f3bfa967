/** Where this run comes from (commit, ref, pull request, run URL), from the runner's environment. */

/** The run's origin, with snake_case keys as it leaves the process. */
export interface RunInfo {
  readonly repository: string | null
  readonly git_sha: string | null
  readonly ref: string | null
  readonly pull_request: number | null
  readonly run_url: string | null
  readonly workflow: string | null
  readonly actor: string | null
  readonly event: string | null
}

/**
 * Reads the GITHUB_* variables the runner sets.
 *
 * @example
 * ```ts
 * runInfo(process.env, 12).run_url // 'https://github.com/o/r/actions/runs/42/attempts/1'
 * ```
 */
export function runInfo(env: NodeJS.ProcessEnv, pullRequest: number | undefined): RunInfo {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const repository = env.GITHUB_REPOSITORY ?? null
  const runId = env.GITHUB_RUN_ID
  const attempt = env.GITHUB_RUN_ATTEMPT
  const runUrl =
    repository === null || runId === undefined
      ? null
      : `${server}/${repository}/actions/runs/${runId}${attempt === undefined ? '' : `/attempts/${attempt}`}`
  return {
    repository,
    git_sha: env.GITHUB_SHA ?? null,
    ref: env.GITHUB_REF ?? null,
    pull_request: pullRequest ?? null,
    run_url: runUrl,
    workflow: env.GITHUB_WORKFLOW ?? null,
    actor: env.GITHUB_ACTOR ?? null,
    event: env.GITHUB_EVENT_NAME ?? null,
  }
}
