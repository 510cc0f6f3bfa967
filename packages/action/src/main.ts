/**
 * `run()`: reads the inputs, runs the command against the project's own `dorm`, then reports:
 * annotations, the JSON report and SARIF files, outputs, the job summary, the sticky PR comment and
 * (for `migrate` with a dashboard) the deploy report. Every failure ends in `core.setFailed` with
 * its fix and a distinct exit code (see `errors.ts`).
 */
import * as core from '@actions/core'
import * as github from '@actions/github'
import { checkCommand } from './commands/check.js'
import { diffCommand } from './commands/diff.js'
import { dryRunCommand } from './commands/dry-run.js'
import { lintCommand } from './commands/lint.js'
import { migrateCommand } from './commands/migrate.js'
import { type ActionContext, createContext } from './context.js'
import { ActionFailure, EXIT_CODES } from './errors.js'
import type { ActionCommand } from './inputs.js'
import { readInputs } from './inputs.js'
import { type ActionReport, blockingFindings } from './report.js'
import { emitAnnotations } from './reporters/annotations.js'
import { deployReport, postDeployReport } from './reporters/deploy-report.js'
import { outputDirectory, writeReportFiles } from './reporters/files.js'
import { fitMarkdown } from './reporters/markdown.js'
import { commentBody, upsertStickyComment } from './reporters/pr-comment.js'
import { databaseSecrets, redact } from './run-dorm.js'
import { type RunInfo, runInfo } from './run-info.js'

/** The job summary may hold 1 MiB; keep a margin. */
const SUMMARY_LIMIT = 1_000_000

const COMMAND_HANDLERS: Readonly<Record<ActionCommand, (context: ActionContext) => Promise<void>>> = {
  lint: lintCommand,
  'dry-run': dryRunCommand,
  migrate: migrateCommand,
  diff: diffCommand,
  check: checkCommand,
}

/** The failure the results stand for when no step threw: findings at or above fail-on, then drift. */
function verdict(report: ActionReport): ActionFailure | undefined {
  if (report.lint !== undefined) {
    const blocking = blockingFindings(report.lint, report.failOn)
    if (blocking > 0) {
      return new ActionFailure(
        'findings',
        `${blocking} migration lint finding(s) at or above fail-on: ${report.failOn}. Fix them (each annotation ` +
          'says how), suppress an accepted one with // noqa: DORM-M0NN on its line, or change fail-on.',
      )
    }
  }
  if (report.diff?.drift === true && !report.diff.explainedByPending) {
    return new ActionFailure(
      'drift',
      `Schema drift: ${report.diff.findings.length} difference(s) between the models and the live database. ` +
        "Run 'dorm makemigrations' for model changes without a migration, or 'dorm migrate' for unapplied ones.",
    )
  }
  return undefined
}

function setOutputs(report: ActionReport, files: { reportPath: string; sarifPath: string | undefined }): void {
  core.setOutput('findings', report.lint?.findings.length ?? 0)
  core.setOutput('errors', report.lint?.errors ?? 0)
  core.setOutput('warnings', report.lint?.warnings ?? 0)
  core.setOutput('pending', report.migrate?.pending.length ?? report.dryRun?.pending.length ?? 0)
  core.setOutput('applied', report.migrate?.applied.length ?? 0)
  core.setOutput('drift', report.diff?.drift === true ? 'true' : 'false')
  core.setOutput('sarif', files.sarifPath ?? '')
  core.setOutput('report', files.reportPath)
  core.setOutput('failure', report.failure?.kind ?? '')
}

async function writeJobSummary(report: ActionReport): Promise<void> {
  try {
    await core.summary.addRaw(fitMarkdown(report, SUMMARY_LIMIT)).write()
  } catch (err) {
    core.info(`No job summary written: ${(err as Error).message}`)
  }
}

async function comment(context: ActionContext, run: RunInfo): Promise<void> {
  const { inputs, pullRequest, report } = context
  if (!inputs.comment) return
  if (pullRequest === undefined) {
    core.info('No pull request in this event: no comment posted.')
    return
  }
  if (inputs.githubToken === undefined) {
    core.warning(`comment is on but github-token is empty: pass github-token: \${{ github.token }} to comment.`)
    return
  }
  try {
    const { owner, repo } = github.context.repo
    const done = await upsertStickyComment(
      { token: inputs.githubToken, owner, repo, issueNumber: pullRequest.number },
      commentBody(report, run.run_url ?? undefined),
    )
    core.info(`Pull request comment ${done.action} (id ${done.id}).`)
  } catch (err) {
    core.warning(
      `Could not post the pull request comment: ${(err as Error).message}. The token needs pull-requests: write ` +
        '(forks get a read-only token; use the job summary there).',
    )
  }
}

async function publish(context: ActionContext, env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<void> {
  const { report, inputs } = context
  if (report.lint !== undefined) report.notAnnotated = emitAnnotations(report.lint.findings, write)
  const run = runInfo(env, context.pullRequest?.number)
  const files = writeReportFiles(outputDirectory(env), report, { ...run })
  setOutputs(report, files)
  await writeJobSummary(report)
  await comment(context, run)
  if (inputs.command === 'migrate' && inputs.dashboardUrl !== undefined && inputs.dashboardToken !== undefined) {
    const problem = await postDeployReport(
      inputs.dashboardUrl,
      inputs.dashboardToken,
      deployReport(report, run, inputs.environment),
    )
    if (problem === undefined) core.info(`Deploy report sent to ${inputs.dashboardUrl.origin}.`)
    else core.warning(problem)
  }
}

function asFailure(err: unknown, secrets: readonly string[]): ActionFailure {
  if (err instanceof ActionFailure) return err
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err)
  return new ActionFailure(
    'command-failed',
    `Unexpected error in the dorm Action (please report it): ${redact(text, secrets)}`,
  )
}

/**
 * Runs the Action and returns its exit code (also left in `process.exitCode`).
 *
 * @example
 * ```ts
 * // src/index.ts
 * await run()
 * ```
 */
export async function run(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const secrets = databaseSecrets(env['INPUT_DATABASE-URL']?.trim() || undefined)
  let context: ActionContext | undefined
  let failure: ActionFailure | undefined
  try {
    context = createContext(readInputs(env), github.context.payload as Record<string, unknown>)
    await COMMAND_HANDLERS[context.inputs.command](context)
  } catch (err) {
    failure = asFailure(err, secrets)
  }
  if (context !== undefined) {
    failure ??= verdict(context.report)
    if (failure !== undefined) context.report.failure = { kind: failure.kind, message: failure.message }
    try {
      await publish(context, env, write)
    } catch (err) {
      failure ??= asFailure(err, secrets)
    }
  }
  if (failure === undefined) return EXIT_CODES.ok
  core.setFailed(failure.message)
  process.exitCode = failure.exitCode
  return failure.exitCode
}
