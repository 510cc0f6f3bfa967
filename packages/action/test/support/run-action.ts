/**
 * Runs the committed `dist/index.js` in a child process with the runner's contract: INPUT_*
 * variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH (a pull_request event by
 * default), GITHUB_WORKSPACE, GITHUB_API_URL and RUNNER_TEMP.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The committed bundle. */
export const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../dist/index.js')

/** The repository the fake events come from. */
export const REPOSITORY = 'octo/shop'

/** The pull request number of the fake event. */
export const PR_NUMBER = 7

/** What a run gave back. */
export interface ActionRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** GITHUB_OUTPUT parsed. */
  readonly outputs: Record<string, string>
  /** GITHUB_STEP_SUMMARY's content. */
  readonly summary: string
  /** stdout lines that are workflow commands (`::...`). */
  readonly commands: string[]
}

/** How to run it. */
export interface RunOptions {
  readonly workspace: string
  /** Inputs by their action.yml name (`database-url`, `fail-on`, ...). */
  readonly inputs: Record<string, string>
  /** `pull_request` (default) with base/head, or `push`. */
  readonly event?:
    | { readonly name: 'pull_request'; readonly baseSha: string; readonly headSha: string }
    | { readonly name: 'push' }
  readonly apiUrl?: string
  readonly env?: Record<string, string>
}

/** Parses GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (match === null) continue
    const [, name, delimiter] = match as unknown as [string, string, string]
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    outputs[name] = value.join('\n')
  }
  return outputs
}

/**
 * Runs the Action once.
 *
 * @example
 * ```ts
 * const run = await runAction({ workspace: ws.dir, inputs: { command: 'lint', 'working-directory': 'project' } })
 * ```
 */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const temp = mkdtempSync(join(tmpdir(), 'dorm-action-run-'))
  try {
    const outputFile = join(temp, 'output')
    const summaryFile = join(temp, 'summary')
    const eventFile = join(temp, 'event.json')
    writeFileSync(outputFile, '')
    writeFileSync(summaryFile, '')
    const event = options.event ?? { name: 'push' as const }
    const payload =
      event.name === 'pull_request'
        ? {
            action: 'synchronize',
            number: PR_NUMBER,
            pull_request: {
              number: PR_NUMBER,
              base: { sha: event.baseSha, ref: 'main' },
              head: { sha: event.headSha },
            },
            repository: { full_name: REPOSITORY, name: 'shop', owner: { login: 'octo' } },
          }
        : { ref: 'refs/heads/main', repository: { full_name: REPOSITORY, name: 'shop', owner: { login: 'octo' } } }
    writeFileSync(eventFile, JSON.stringify(payload))
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      if (
        value !== undefined &&
        !key.startsWith('INPUT_') &&
        !key.startsWith('GITHUB_') &&
        !key.startsWith('RUNNER_')
      ) {
        env[key] = value
      }
    }
    delete env.DATABASE_URL
    delete env.MIGRATION_DATABASE_URL
    delete env.DORM_SETTINGS
    Object.assign(env, {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_SHA: event.name === 'pull_request' ? event.headSha : 'f'.repeat(40),
      GITHUB_REF: event.name === 'pull_request' ? `refs/pull/${PR_NUMBER}/merge` : 'refs/heads/main',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
      RUNNER_TEMP: temp,
      ...options.env,
    })
    for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [DIST], { cwd: options.workspace, env, timeout: 180_000 }, (error, out, err) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout: out,
          stderr: err,
        })
      })
    })
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
    // keep the files the outputs point at: copy them out of the temp dir before it goes
    for (const key of ['report', 'sarif']) {
      const path = outputs[key]
      if (path && existsSync(path)) outputs[`${key}_content`] = readFileSync(path, 'utf8')
    }
    return {
      code,
      stdout,
      stderr,
      outputs,
      summary: readFileSync(summaryFile, 'utf8'),
      commands: stdout.split('\n').filter((line) => line.startsWith('::')),
    }
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}
