/**
 * Runs Debian's `docker-compose` (1.29, no Docker engine needed) on the repository's
 * docker-compose.yml with an empty environment, and parses the normalized config it prints.
 *
 * @example
 * ```ts
 * const { config } = loadComposeConfig()
 * Object.keys(config.services) // ['dashboard', 'db-primary', ...]
 * ```
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from './repo.js'

/** The parts of a normalized compose service the checks read. */
export interface ComposeService {
  image?: string
  build?: { context: string; dockerfile?: string }
  command?: string[] | string
  entrypoint?: string[] | string
  environment?: Record<string, string | null>
  ports?: Array<{ published?: number | string; target: number; protocol?: string } | string>
  volumes?: Array<{ type: string; source?: string; target: string; read_only?: boolean } | string>
  depends_on?: Record<string, { condition: string }> | string[]
  healthcheck?: { test?: string[] | string; disable?: boolean }
  restart?: string
  networks?: Record<string, { aliases?: string[] } | null>
  profiles?: string[]
}

/** The normalized compose file. */
export interface ComposeConfig {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
}

/** What `docker-compose config` answered. */
export interface ComposeRun {
  status: number | null
  stdout: string
  stderr: string
}

let emptyEnvFile: string | undefined

/** An empty env file, so a developer's own .env beside the compose file does not leak in. */
function emptyEnv(): string {
  if (emptyEnvFile === undefined) {
    emptyEnvFile = join(mkdtempSync(join(tmpdir(), 'dorm-compose-')), 'empty.env')
    writeFileSync(emptyEnvFile, '')
  }
  return emptyEnvFile
}

const MISSING = 'docker-compose is not installed: apt-get install -y docker-compose (Debian; no Docker engine needed)'

/**
 * Runs `docker-compose -f docker-compose.yml <args>` from the repository root with only PATH and
 * HOME in the environment and an empty env file, so every `${VAR:-default}` must carry its default.
 * Throws with the install command when the binary is missing (`options.path` replaces PATH).
 *
 * @example
 * ```ts
 * runCompose(['config', '-q']).status // 0
 * ```
 */
export function runCompose(args: string[], options: { file?: string; path?: string } = {}): ComposeRun {
  const file = options.file ?? 'docker-compose.yml'
  const result = spawnSync('docker-compose', ['--env-file', emptyEnv(), '-f', file, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: options.path ?? process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    timeout: 60_000,
  })
  if (result.error !== undefined) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING)
    throw result.error
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * The resolved config (`docker-compose config`), parsed. Throws with docker-compose's message when
 * the file does not validate.
 *
 * @example
 * ```ts
 * loadComposeConfig().config.services.shop?.environment?.DATABASE_URL
 * ```
 */
export function loadComposeConfig(file = 'docker-compose.yml'): ComposeRun & { config: ComposeConfig } {
  const run = runCompose(['config'], { file })
  if (run.status !== 0) throw new Error(`docker-compose config failed (${run.status}):\n${run.stderr}`)
  return { ...run, config: parse(run.stdout) as ComposeConfig }
}
