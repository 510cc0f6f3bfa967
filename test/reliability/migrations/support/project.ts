/**
 * A throwaway dorm project as a user has it: a folder with package.json (ESM), dorm.config.ts,
 * one app (`rel`) with models.ts and migrations/, and node_modules/@dorm/engine linked to this
 * checkout's engine (so `@dorm/engine` resolves to the built package, as after `npm install`).
 * `dorm()` runs the real CLI (`node_modules/.bin/dorm`) in it as a child process.
 *
 * @example
 * ```ts
 * const project = createProject({ '0001_initial.ts': createTable('rel_a') })
 * const run = await project.dorm(['migrate'], { DATABASE_URL: url })
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..')
/** The CLI a project runs: `node_modules/.bin/dorm` of this checkout (the engine's built bin). */
export const dormBin = join(repoRoot, 'node_modules/.bin/dorm')

/** How one CLI run ended. */
export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  elapsedMs: number
}

/** A started CLI run: the child (to kill) and its outcome. */
export interface StartedRun {
  child: ChildProcess
  done: Promise<CliRun>
}

/** A generated project folder. */
export interface Project {
  dir: string
  /** Writes (or overwrites) `src/rel/migrations/<file>`. */
  writeMigration(file: string, source: string): void
  /** Removes a migration file. */
  removeMigration(file: string): void
  /** Starts `dorm <args>` in the project. */
  start(args: string[], env: Record<string, string>): StartedRun
  /** Runs `dorm <args>` in the project to the end. */
  dorm(args: string[], env: Record<string, string>): Promise<CliRun>
  remove(): void
}

const config = `export default {
  DATABASES: { default: process.env.DATABASE_URL },
  INSTALLED_APPS: ['src/rel'],
  RETRY_ATTEMPTS: 1,
  SLOW_QUERY_MS: null,
  MIGRATION_LOCK_TIMEOUT: 90,
}
`

const models = `import { CharField, defineModel } from '@dorm/engine'

export const Marker = defineModel('rel.Marker', { fields: { note: new CharField({ maxLength: 200 }) } })
`

/** Creates a project with the given migration files (name -> source). */
export function createProject(migrations: Record<string, string>): Project {
  const dir = mkdtempSync(join(tmpdir(), 'dorm-rel-mig-'))
  const appDir = join(dir, 'src/rel')
  const migrationsDir = join(appDir, 'migrations')
  mkdirSync(migrationsDir, { recursive: true })
  mkdirSync(join(dir, 'node_modules/@dorm'), { recursive: true })
  symlinkSync(join(repoRoot, 'packages/engine'), join(dir, 'node_modules/@dorm/engine'), 'dir')
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'rel-project', private: true, type: 'module' })}\n`,
  )
  writeFileSync(join(dir, 'dorm.config.ts'), config)
  writeFileSync(join(appDir, 'models.ts'), models)
  for (const [file, source] of Object.entries(migrations)) writeFileSync(join(migrationsDir, file), source)

  const start = (args: string[], env: Record<string, string>): StartedRun => {
    const began = performance.now()
    const child = spawn(process.execPath, [dormBin, ...args], {
      cwd: dir,
      env: { ...process.env, DORM_SETTINGS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const done = new Promise<CliRun>((resolve) => {
      child.on('close', (code, signal) => {
        resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - began })
      })
    })
    return { child, done }
  }

  return {
    dir,
    writeMigration: (file, source) => writeFileSync(join(migrationsDir, file), source),
    removeMigration: (file) => rmSync(join(migrationsDir, file), { force: true }),
    start,
    dorm: (args, env) => start(args, env).done,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
