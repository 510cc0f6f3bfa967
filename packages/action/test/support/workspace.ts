/**
 * A throwaway repository holding a copy of the fixture project (`test/fixtures/project`) under
 * `project/`, with two commits: the base (only `0001_initial`) and the pull request's head (the
 * risky migrations). The project's `node_modules` gets what `npm ci` would give it: `@dorm/engine`
 * (this checkout's source) and `.bin/dorm` (this checkout's CLI, run through tsx).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const FIXTURE = join(here, '../fixtures/project')
/** packages/engine of this checkout. */
export const ENGINE_DIR = join(here, '../../../engine')

const MIGRATIONS = 'src/shop/migrations'

/** A repository for one scenario. */
export interface Workspace {
  /** The repository root (GITHUB_WORKSPACE). */
  readonly dir: string
  /** The project, `<dir>/project`. */
  readonly project: string
  readonly baseSha: string
  readonly headSha: string
  remove(): void
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

function commitAll(cwd: string, message: string): string {
  git(cwd, 'add', '-A')
  git(cwd, '-c', 'user.name=dorm', '-c', 'user.email=dorm@example.com', 'commit', '--quiet', '-m', message)
  return git(cwd, 'rev-parse', 'HEAD')
}

/** Writes `node_modules/@dorm/engine` and `node_modules/.bin/dorm` pointing at this checkout. */
export function installEngineShims(project: string): void {
  const pkg = join(project, 'node_modules/@dorm/engine')
  mkdirSync(pkg, { recursive: true })
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@dorm/engine',
      type: 'module',
      exports: { '.': './index.js', './migrations': './migrations.js' },
    }),
  )
  writeFileSync(join(pkg, 'index.js'), `export * from '${join(ENGINE_DIR, 'src/index.ts')}'\n`)
  writeFileSync(join(pkg, 'migrations.js'), `export * from '${join(ENGINE_DIR, 'src/migrations/index.ts')}'\n`)
  const tsxDir = dirname(createRequire(join(ENGINE_DIR, 'package.json')).resolve('tsx/package.json'))
  const loader = pathToFileURL(join(tsxDir, 'dist/loader.mjs')).href
  const bin = join(project, 'node_modules/.bin/dorm')
  mkdirSync(dirname(bin), { recursive: true })
  writeFileSync(
    bin,
    `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${join(ENGINE_DIR, 'src/cli/bin.ts')}" "$@"\n`,
  )
  chmodSync(bin, 0o755)
}

/** Options of {@link createWorkspace}. */
export interface WorkspaceOptions {
  /** Migration files of the fixture the pull request adds (default both risky ones). */
  readonly headMigrations?: readonly string[]
  /** Extra files for the base commit, path (from the project) → content. */
  readonly baseFiles?: Readonly<Record<string, string>>
  /** Extra files for the head commit, path (from the project) → content. */
  readonly headFiles?: Readonly<Record<string, string>>
  /** Leave out node_modules (a project whose dependencies were not installed). */
  readonly withoutDorm?: boolean
}

/**
 * Creates the repository.
 *
 * @example
 * ```ts
 * const ws = createWorkspace()
 * try { ... } finally { ws.remove() }
 * ```
 */
export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  const head = options.headMigrations ?? ['0002_order_status.ts', '0003_customer_country.ts']
  const dir = mkdtempSync(join(tmpdir(), 'dorm-action-ws-'))
  const project = join(dir, 'project')
  cpSync(FIXTURE, project, { recursive: true, filter: (src) => !src.includes('node_modules') })
  const held = join(dir, '.held')
  mkdirSync(held)
  for (const file of ['0002_order_status.ts', '0003_customer_country.ts']) {
    cpSync(join(project, MIGRATIONS, file), join(held, file))
    rmSync(join(project, MIGRATIONS, file))
  }
  for (const [path, text] of Object.entries(options.baseFiles ?? {})) writeFileSync(join(project, path), text)
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.held/\n')
  git(dir, 'init', '--quiet', '--initial-branch=main')
  const baseSha = commitAll(dir, 'base')
  for (const file of head) cpSync(join(held, file), join(project, MIGRATIONS, file))
  for (const [path, text] of Object.entries(options.headFiles ?? {})) writeFileSync(join(project, path), text)
  const headSha = commitAll(dir, 'pull request')
  if (options.withoutDorm !== true) installEngineShims(project)
  return { dir, project, baseSha, headSha, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
