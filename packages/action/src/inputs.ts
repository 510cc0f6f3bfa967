/**
 * The Action's inputs, read through `@actions/core`, validated and typed. Every bad value is a
 * {@link ConfigurationError} saying which input is wrong and how to fix it; `database-url` (and its
 * password) is registered as a secret before anything else can print it.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import * as core from '@actions/core'
import { ConfigurationError } from './errors.js'

/** The `command` input values. `check` = lint + dry-run + diff. */
export const COMMANDS = ['lint', 'dry-run', 'migrate', 'diff', 'check'] as const

/** One of {@link COMMANDS}. */
export type ActionCommand = (typeof COMMANDS)[number]

/** The `fail-on` input values: the lowest finding severity that fails the step. */
export const FAIL_ON = ['error', 'warning', 'never'] as const

/** One of {@link FAIL_ON}. */
export type FailOn = (typeof FAIL_ON)[number]

/** Commands that cannot run without `database-url`. */
const NEEDS_DATABASE: readonly ActionCommand[] = ['dry-run', 'migrate', 'diff']

/** The validated inputs. Paths are absolute. */
export interface ActionInputs {
  readonly command: ActionCommand
  /** The repository checkout (`GITHUB_WORKSPACE`, else the current directory). */
  readonly workspace: string
  /** `working-directory` resolved against the workspace: where `dorm` runs. */
  readonly workingDirectory: string
  /** `settings` resolved against the working directory, when given. */
  readonly settings: string | undefined
  readonly databaseUrl: string | undefined
  readonly failOn: FailOn
  /** `since` as given; undefined means the pull request's base, when there is one. */
  readonly since: string | undefined
  readonly comment: boolean
  readonly githubToken: string | undefined
  readonly dashboardUrl: URL | undefined
  readonly dashboardToken: string | undefined
  readonly environment: string | undefined
}

function optional(name: string): string | undefined {
  const value = core.getInput(name).trim()
  return value === '' ? undefined : value
}

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = optional(name) ?? fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigurationError(`Unknown ${name} '${value}'. Use one of: ${allowed.join(', ')}.`)
  }
  return value as T
}

function boolean(name: string, fallback: boolean): boolean {
  const value = optional(name)
  if (value === undefined) return fallback
  if (/^(true|yes|1)$/i.test(value)) return true
  if (/^(false|no|0)$/i.test(value)) return false
  throw new ConfigurationError(`Input ${name} must be true or false, got '${value}'.`)
}

/** Registers the URL and its password (when it has one) as secrets, so the runner masks both. */
function registerSecret(url: string): void {
  core.setSecret(url)
  try {
    const password = decodeURIComponent(new URL(url).password)
    if (password !== '') core.setSecret(password)
  } catch {
    // not a URL the WHATWG parser takes (e.g. a sqlite path): the whole value is masked already
  }
}

function directory(path: string, input: string): string {
  let isDirectory = false
  try {
    isDirectory = statSync(path).isDirectory()
  } catch {
    isDirectory = false
  }
  if (!isDirectory) {
    throw new ConfigurationError(
      `${input} '${path}' is not a directory. Set it to the folder holding dorm.config.ts, relative to the repository root.`,
    )
  }
  return path
}

function readableFile(path: string): string {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file')
    accessSync(path, constants.R_OK)
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read'
    throw new ConfigurationError(
      `Settings file '${path}' ${reason}. Set the settings input to a readable file relative to working-directory ` +
        '(e.g. dorm.config.ts), or leave it empty to use dorm.config.ts in working-directory.',
    )
  }
  return path
}

function dashboard(): Pick<ActionInputs, 'dashboardUrl' | 'dashboardToken'> {
  const raw = optional('dashboard-url')
  const dashboardToken = optional('dashboard-token')
  if (dashboardToken !== undefined) core.setSecret(dashboardToken)
  if (raw === undefined) return { dashboardUrl: undefined, dashboardToken }
  let dashboardUrl: URL
  try {
    dashboardUrl = new URL(raw)
  } catch {
    throw new ConfigurationError(`dashboard-url '${raw}' is not a URL. Use e.g. https://dorm.example.com.`)
  }
  if (dashboardUrl.protocol !== 'https:' && dashboardUrl.protocol !== 'http:') {
    throw new ConfigurationError(`dashboard-url must be an http(s) URL, got '${raw}'.`)
  }
  if (dashboardToken === undefined) {
    throw new ConfigurationError(
      'dashboard-url is set but dashboard-token is empty. Pass the CI key of the dashboard environment, ' +
        `e.g. dashboard-token: \${{ secrets.DORM_DASHBOARD_TOKEN }}.`,
    )
  }
  return { dashboardUrl, dashboardToken }
}

/**
 * Reads and validates every input. `env` gives `GITHUB_WORKSPACE` and the event name.
 *
 * @example
 * ```ts
 * const inputs = readInputs(process.env)
 * if (inputs.command === 'migrate') { ... }
 * ```
 */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  // first, so no later error message or log line can show it unmasked
  const databaseUrl = optional('database-url')
  if (databaseUrl !== undefined) registerSecret(databaseUrl)
  const githubToken = optional('github-token')
  if (githubToken !== undefined) core.setSecret(githubToken)

  const command = choice('command', COMMANDS, 'check')
  const failOn = choice('fail-on', FAIL_ON, 'error')
  if (databaseUrl === undefined && NEEDS_DATABASE.includes(command)) {
    throw new ConfigurationError(
      `command '${command}' needs the database-url input: pass a direct connection URL from a secret, ` +
        `e.g. database-url: \${{ secrets.DATABASE_URL }} (not a transaction-mode pooler).`,
    )
  }
  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd())
  const workingDirectory = directory(resolve(workspace, optional('working-directory') ?? '.'), 'working-directory')
  const settingsInput = optional('settings')
  const settings =
    settingsInput === undefined
      ? undefined
      : readableFile(isAbsolute(settingsInput) ? settingsInput : resolve(workingDirectory, settingsInput))
  return {
    command,
    workspace,
    workingDirectory,
    settings,
    databaseUrl,
    failOn,
    since: optional('since'),
    comment: boolean('comment', env.GITHUB_EVENT_NAME?.startsWith('pull_request') ?? false),
    githubToken,
    ...dashboard(),
    environment: optional('environment'),
  }
}
