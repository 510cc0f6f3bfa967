/**
 * What every command gets: the validated inputs, the project's `dorm`, the pull request (when the
 * run is for one), the lines it changed, and the report the command fills in.
 */
import { relative, sep } from 'node:path'
import * as core from '@actions/core'
import { type ChangedLines, changedLinesSince, gitKnows } from './changed-lines.js'
import { ConfigurationError } from './errors.js'
import type { ActionInputs } from './inputs.js'
import type { ActionReport } from './report.js'
import { DormCli, databaseSecrets } from './run-dorm.js'

/** The pull request the run is for. */
export interface PullRequestInfo {
  readonly number: number
  readonly baseSha: string | undefined
  readonly headSha: string | undefined
}

/** The run's context. */
export interface ActionContext {
  readonly inputs: ActionInputs
  readonly dorm: DormCli
  readonly pullRequest: PullRequestInfo | undefined
  /** The git ref lint-migrations keeps the changed files of (`--since`), if any. */
  readonly since: string | undefined
  /** Lines changed since the pull request's base (or `since`), when git can tell. */
  readonly changedLines: ChangedLines | undefined
  readonly report: ActionReport
}

/**
 * A path from the repository root with `/` separators (`.` for the root itself).
 *
 * @example
 * ```ts
 * fromWorkspace('/repo', '/repo/app/shop/migrations/0002_x.ts') // 'app/shop/migrations/0002_x.ts'
 * ```
 */
export function fromWorkspace(workspace: string, path: string): string {
  const rel = relative(workspace, path)
  return rel === '' ? '.' : rel.split(sep).join('/')
}

/** The pull request of a `pull_request` / `pull_request_target` event payload, if any. */
export function pullRequestOf(payload: Record<string, unknown>): PullRequestInfo | undefined {
  const pr = payload.pull_request as { number?: number; base?: { sha?: string }; head?: { sha?: string } } | undefined
  if (pr === undefined || typeof pr.number !== 'number') return undefined
  return { number: pr.number, baseSha: pr.base?.sha, headSha: pr.head?.sha }
}

/**
 * The `--since` ref: the `since` input (which must exist in git), else the pull request's base
 * when git has it; a shallow clone without the base lints every file, with a warning.
 */
function resolveSince(inputs: ActionInputs, pullRequest: PullRequestInfo | undefined): string | undefined {
  if (inputs.since !== undefined) {
    if (!gitKnows(inputs.workingDirectory, inputs.since)) {
      throw new ConfigurationError(
        `since '${inputs.since}' is not a commit git knows here. Check out enough history ` +
          '(actions/checkout with fetch-depth: 0) or use a ref that exists, e.g. origin/main.',
      )
    }
    return inputs.since
  }
  const base = pullRequest?.baseSha
  if (base === undefined) return undefined
  if (gitKnows(inputs.workingDirectory, base)) return base
  core.warning(
    `The pull request's base commit ${base.slice(0, 12)} is not in this checkout, so every migration is linted, ` +
      'not only the changed ones. Use actions/checkout with fetch-depth: 0 to lint only what the pull request changes.',
  )
  return undefined
}

/**
 * Builds the context of one run: finds `dorm` (a {@link ConfigurationError} with the fix when it
 * is missing), the `--since` ref and the changed lines.
 *
 * @example
 * ```ts
 * const context = createContext(readInputs(process.env), github.context.payload)
 * ```
 */
export function createContext(inputs: ActionInputs, payload: Record<string, unknown>): ActionContext {
  const report: ActionReport = {
    command: inputs.command,
    workingDirectory: fromWorkspace(inputs.workspace, inputs.workingDirectory),
    failOn: inputs.failOn,
    notes: [],
  }
  const dorm = new DormCli({
    cwd: inputs.workingDirectory,
    settings: inputs.settings,
    databaseUrl: inputs.databaseUrl,
    secrets: [...databaseSecrets(inputs.databaseUrl), ...(inputs.githubToken ? [inputs.githubToken] : [])],
  })
  const pullRequest = pullRequestOf(payload)
  const since = resolveSince(inputs, pullRequest)
  const changedLines = since === undefined ? undefined : changedLinesSince(inputs.workspace, since)
  return { inputs, dorm, pullRequest, since, changedLines, report }
}
