/**
 * The GitHub Action, run locally the way a runner runs it: the committed bundle
 * (`packages/action/dist/index.js`) with its inputs as `INPUT_*` variables, `GITHUB_OUTPUT` and
 * `GITHUB_STEP_SUMMARY` files, a push event in `GITHUB_EVENT_PATH`, `GITHUB_WORKSPACE` at the
 * repository root and this checkout's commit as `GITHUB_SHA`. Each run keeps its files in
 * `<demo dir>/action/<command>/` (outputs, summary.md, the JSON report) and its log in
 * `<demo dir>/logs/action-<command>.log`.
 *
 * @example
 * ```ts
 * const run = await runAction({ layout, command: 'check', inputs: { 'working-directory': 'examples/shop' } })
 * console.log(run.outputs.findings, run.outputs.pending)
 * ```
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import type { DemoLayout } from './demo-dir.js'
import { ACTION_BUNDLE, REPO_ROOT } from './paths.js'
import { runToEnd } from './processes.js'
import { Interrupted } from './steps.js'

/** A finished Action run. */
export interface ActionRun {
  readonly code: number | null
  /** GITHUB_OUTPUT parsed. */
  readonly outputs: Record<string, string>
  /** The workflow commands and messages it printed (last lines). */
  readonly output: string
  readonly logFile: string
  /** Where its files are. */
  readonly dir: string
}

/** The repository name the local runs report (the deploy page shows it). */
export const LOCAL_REPOSITORY = 'local/dorm'

function git(args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() || undefined : undefined
}

/**
 * Parses GITHUB_OUTPUT (`name<<delimiter` blocks, or `name=value` lines).
 *
 * @example
 * ```ts
 * parseOutputFile('pending<<EOF\n2\nEOF\n') // { pending: '2' }
 * ```
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const block = /^([^<=]+)<<(.+)$/.exec(line)
    if (block !== null) {
      const [, name, delimiter] = block as unknown as [string, string, string]
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      outputs[name] = value.join('\n')
      continue
    }
    const pair = /^([^=]+)=(.*)$/.exec(line)
    if (pair !== null) outputs[pair[1] as string] = pair[2] as string
  }
  return outputs
}

/**
 * Runs the Action's bundle once.
 *
 * @example
 * ```ts
 * await runAction({ layout, command: 'migrate', inputs: { 'database-url': url, 'dashboard-url': dash, 'dashboard-token': ci } })
 * ```
 */
export async function runAction(options: {
  layout: DemoLayout
  command: 'check' | 'migrate'
  inputs: Record<string, string>
  signal?: AbortSignal
}): Promise<ActionRun> {
  const dir = join(options.layout.actionDir, options.command)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'tmp'), { recursive: true })
  const outputFile = join(dir, 'outputs.txt')
  const summaryFile = join(dir, 'summary.md')
  const eventFile = join(dir, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD']) ?? 'main'
  const [owner, name] = LOCAL_REPOSITORY.split('/') as [string, string]
  writeFileSync(
    eventFile,
    JSON.stringify({
      ref: `refs/heads/${branch}`,
      repository: { full_name: LOCAL_REPOSITORY, name, owner: { login: owner } },
    }),
  )
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    // a clean runner: no inputs or runner variables of a surrounding job, no database of the shell
    if (/^(INPUT_|GITHUB_|RUNNER_)/.test(key)) continue
    if (['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'DORM_SETTINGS'].includes(key)) continue
    env[key] = value
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: REPO_ROOT,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: LOCAL_REPOSITORY,
    GITHUB_SHA: git(['rev-parse', 'HEAD']) ?? '0'.repeat(40),
    GITHUB_REF: `refs/heads/${branch}`,
    GITHUB_WORKFLOW: 'npm start',
    GITHUB_ACTOR: userInfo().username,
    // no GITHUB_RUN_ID: a local run has no run page to link to
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    RUNNER_TEMP: join(dir, 'tmp'),
    INPUT_COMMAND: options.command,
    INPUT_COMMENT: 'false',
  })
  for (const [input, value] of Object.entries(options.inputs)) env[`INPUT_${input.toUpperCase()}`] = value
  const logFile = join(options.layout.logs, `action-${options.command}.log`)
  const result = await runToEnd(
    {
      name: `action ${options.command}`,
      command: process.execPath,
      args: [ACTION_BUNDLE],
      cwd: REPO_ROOT,
      env,
      logFile,
    },
    options.signal,
  )
  if (options.signal?.aborted) throw new Interrupted()
  const outputs = existsSync(outputFile) ? parseOutputFile(readFileSync(outputFile, 'utf8')) : {}
  return { code: result.code, outputs, output: result.output, logFile, dir }
}
