/**
 * Runs the project's own `dorm` CLI (`node_modules/.bin/dorm`, found from the working directory
 * upwards as npm does) so the linter and the operations in the user's migrations are one copy of
 * the engine. Output is redacted of secrets before anyone sees it.
 */
import { execFile } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ActionFailure, ConfigurationError } from './errors.js'

/** What one `dorm` run gave back. */
export interface DormRun {
  readonly args: readonly string[]
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * `node_modules/.bin/dorm` in `from` or the closest ancestor that has one, or undefined.
 *
 * @example
 * ```ts
 * findDormBin('/repo/services/api') // '/repo/node_modules/.bin/dorm' in a hoisted monorepo
 * ```
 */
export function findDormBin(from: string): string | undefined {
  const name = process.platform === 'win32' ? 'dorm.cmd' : 'dorm'
  let dir = from
  for (;;) {
    const candidate = join(dir, 'node_modules', '.bin', name)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * Replaces every secret in `text` with `***`.
 *
 * @example
 * ```ts
 * redact('cannot reach postgres://u:pw@db/app', ['postgres://u:pw@db/app']) // 'cannot reach ***'
 * ```
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  // longest first: a password is part of its URL
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3) out = out.split(secret).join('***')
  }
  return out
}

/** The secrets of a database URL: the URL itself and its password. */
export function databaseSecrets(url: string | undefined): string[] {
  if (url === undefined) return []
  const secrets = [url]
  try {
    const password = decodeURIComponent(new URL(url).password)
    if (password !== '') secrets.push(password)
  } catch {
    // not a WHATWG URL: the whole value is the secret
  }
  return secrets
}

/** How to run `dorm`. */
export interface DormCliOptions {
  /** The working directory `dorm` runs in. */
  readonly cwd: string
  /** Passed as `--settings`. */
  readonly settings?: string | undefined
  /** Set as DATABASE_URL and MIGRATION_DATABASE_URL for the child. */
  readonly databaseUrl?: string | undefined
  /** Values never to show in output or errors. */
  readonly secrets?: readonly string[]
  readonly env?: NodeJS.ProcessEnv
}

/**
 * The project's `dorm`, ready to run. Throws a {@link ConfigurationError} with the fix when the
 * project has no `node_modules/.bin/dorm`.
 *
 * @example
 * ```ts
 * const dorm = new DormCli({ cwd: '/repo', databaseUrl: process.env.DATABASE_URL })
 * const findings = await dorm.json<unknown[]>(['lint-migrations', '--format', 'json'], [0, 1])
 * ```
 */
export class DormCli {
  readonly bin: string
  readonly options: DormCliOptions

  constructor(options: DormCliOptions) {
    const bin = findDormBin(options.cwd)
    if (bin === undefined) {
      throw new ConfigurationError(
        `dorm is not installed in ${options.cwd}: install your dependencies first (npm ci) so ` +
          'node_modules/.bin/dorm exists, in a step before this Action (with @dorm/engine in the project dependencies).',
      )
    }
    this.bin = bin
    this.options = options
  }

  private childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {}
    for (const [key, value] of Object.entries(this.options.env ?? process.env)) {
      // the Action's own inputs (tokens among them) are not the CLI's business
      if (!key.startsWith('INPUT_')) env[key] = value
    }
    delete env.DORM_SETTINGS
    if (this.options.databaseUrl !== undefined) {
      env.DATABASE_URL = this.options.databaseUrl
      env.MIGRATION_DATABASE_URL = this.options.databaseUrl
    }
    return env
  }

  /**
   * The command line: a `.bin` link to a JavaScript file runs under this Node (npm may have linked
   * it before the file was built, leaving it without the executable bit); anything else directly.
   */
  private commandLine(args: readonly string[]): [string, string[]] {
    let target = this.bin
    try {
      target = realpathSync(this.bin)
    } catch {
      // a dangling link fails below with the path in the message
    }
    return /\.[cm]?js$/.test(target) ? [process.execPath, [target, ...args]] : [this.bin, [...args]]
  }

  /** Runs `dorm <args>` and resolves with its exit code and redacted output; never rejects on a non-zero exit. */
  run(args: readonly string[]): Promise<DormRun> {
    const fullArgs = this.options.settings === undefined ? [...args] : ['--settings', this.options.settings, ...args]
    const secrets = this.options.secrets ?? []
    return new Promise((resolveRun, reject) => {
      const [file, argv] = this.commandLine(fullArgs)
      execFile(
        file,
        argv,
        {
          cwd: this.options.cwd,
          env: this.childEnv(),
          maxBuffer: 64 * 1024 * 1024,
          shell: process.platform === 'win32',
        },
        (error, stdout, stderr) => {
          if (error !== null && typeof error.code !== 'number') {
            reject(new ConfigurationError(`Could not run ${this.bin}: ${redact(error.message, secrets)}`))
            return
          }
          resolveRun({
            args,
            code: error === null ? 0 : (error.code as number),
            stdout: redact(stdout, secrets),
            stderr: redact(stderr, secrets),
          })
        },
      )
    })
  }

  /**
   * Runs `dorm <args>` and parses its stdout as JSON. Exit 2 is a configuration error, 3 a lock
   * timeout, any other code not in `okCodes` a failed command; each message carries dorm's stderr.
   */
  async json<T>(args: readonly string[], okCodes: readonly number[] = [0]): Promise<{ run: DormRun; value: T }> {
    const run = await this.run(args)
    if (!okCodes.includes(run.code)) throw failureOf(run)
    try {
      return { run, value: JSON.parse(run.stdout) as T }
    } catch {
      throw new ActionFailure(
        'command-failed',
        `dorm ${args.join(' ')} did not print JSON (exit ${run.code}). Is @dorm/engine recent enough for this Action? ` +
          `Output: ${(run.stdout || run.stderr).trim().slice(0, 2000)}`,
      )
    }
  }
}

/**
 * The failure a non-zero `dorm` exit stands for: 2 configuration, 3 lock timeout, else a failed command.
 *
 * @example
 * ```ts
 * if (run.code !== 0) throw failureOf(run)
 * ```
 */
export function failureOf(run: DormRun): ActionFailure {
  const detail = (run.stderr.trim() || run.stdout.trim()).slice(0, 4000)
  const what = `dorm ${run.args.join(' ')}`
  if (run.code === 2) {
    return new ConfigurationError(`${what} rejected its configuration (exit 2): ${detail}`)
  }
  if (run.code === 3)
    return new ActionFailure('lock-timeout', `${what} timed out waiting for a lock (exit 3): ${detail}`)
  return new ActionFailure('command-failed', `${what} failed (exit ${run.code}): ${detail}`)
}
