/**
 * Running the shop as a user does, from the tests: the `dorm` CLI, `seed.ts` and `server.ts` as
 * child processes with an environment of the test's choosing.
 *
 * @example
 * ```ts
 * const env = await sqliteEnv(inject('sqliteDir'))
 * await runDorm(['migrate'], env)
 * await runNode('seed.ts', env)
 * const shop = await startShop(env)
 * await fetch(`${shop.url}/healthz`)
 * expect(await shop.stop('SIGTERM')).toBe(0)
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { closeAll, configure, getConnection } from '@dorm/engine'

/** The examples/shop folder. */
export const SHOP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DORM_BIN = resolve(SHOP_DIR, '../../node_modules/.bin/dorm')

/** Environment variables handed to the shop's processes. */
export type ShopTestEnv = Record<string, string>

/** What a finished command printed. */
export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

function childEnv(env: ShopTestEnv): NodeJS.ProcessEnv {
  const base = { ...process.env }
  for (const name of Object.keys(base)) {
    if (
      /^(DATABASE_URL|REPLICA_URL|SHOP_|DORM_TELEMETRY|DORM_ENVIRONMENT|DORM_SERVICE|S3_BUCKET|NODE_ENV$|PORT$|HOST$)/.test(
        name,
      )
    )
      delete base[name]
  }
  return { ...base, ...env }
}

function run(command: string, args: string[], env: ShopTestEnv): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: SHOP_DIR, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
  })
}

/**
 * Runs the project's `dorm` CLI in examples/shop.
 *
 * @example
 * ```ts
 * expect((await runDorm(['lint-migrations'], env)).code).toBe(0)
 * ```
 */
export function runDorm(args: string[], env: ShopTestEnv): Promise<CommandResult> {
  return run(process.execPath, [DORM_BIN, ...args], env)
}

/**
 * Runs a TypeScript entry of the shop (`seed.ts`, `traffic.ts`) with tsx.
 *
 * @example
 * ```ts
 * const { stdout } = await runNode('seed.ts', env)
 * ```
 */
export function runNode(file: string, env: ShopTestEnv, args: string[] = []): Promise<CommandResult> {
  return run(process.execPath, ['--import', 'tsx', file, ...args], env)
}

/** A running server. */
export interface RunningShop {
  url: string
  child: ChildProcess
  /** Everything printed so far. */
  stdout(): string
  stderr(): string
  /** Sends `signal` and resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts `server.ts` with PORT=0 and resolves once it printed its listening line.
 *
 * @example
 * ```ts
 * const shop = await startShop(env)
 * ```
 */
export function startShop(env: ShopTestEnv): Promise<RunningShop> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: SHOP_DIR,
    env: childEnv({ PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)))
  return new Promise((resolvePromise, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const line = stdout.split('\n')[0] as string
      if (stdout.includes('\n')) {
        let url: string
        try {
          url = (JSON.parse(line) as { url: string }).url
        } catch {
          reject(new Error(`server.ts printed something else than its listening line first: ${line}`))
          return
        }
        resolvePromise({
          url,
          child,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal)
            return exited
          },
        })
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    void exited.then((code) => reject(new Error(`server.ts exited with ${code} before listening:\n${stderr}`)))
  })
}

/**
 * The environment of a SQLite shop in a fresh folder under `sqliteDir`.
 *
 * @example
 * ```ts
 * const env = await sqliteEnv(inject('sqliteDir'))
 * ```
 */
export async function sqliteEnv(sqliteDir: string, extra: ShopTestEnv = {}): Promise<ShopTestEnv> {
  const dir = await mkdtemp(join(sqliteDir, 'shop-'))
  return { SHOP_DATA_DIR: dir, SHOP_REPLICATION_INTERVAL_MS: '300', ...extra }
}

/**
 * The environment of a PostgreSQL shop on a database of its own (created here), with REPLICA_URL
 * pointing at the same database, which is enough to route reads through the lag-aware router.
 *
 * @example
 * ```ts
 * const env = await postgresEnv(inject('pgUrl'), inject('sqliteDir'))
 * ```
 */
export async function postgresEnv(pgUrl: string, sqliteDir: string, extra: ShopTestEnv = {}): Promise<ShopTestEnv> {
  const name = `shop_test_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`
  configure({ DATABASES: { admin: pgUrl } })
  await getConnection('admin').execute(`CREATE DATABASE ${name}`)
  await closeAll()
  const url = new URL(pgUrl)
  url.pathname = `/${name}`
  const dir = await mkdtemp(join(sqliteDir, 'shop-pg-'))
  return { DATABASE_URL: url.href, REPLICA_URL: url.href, SHOP_DATA_DIR: dir, ...extra }
}

/**
 * Migrates and seeds a shop environment, failing with the commands' output when one fails.
 *
 * @example
 * ```ts
 * await migrateAndSeed(env)
 * ```
 */
export async function migrateAndSeed(env: ShopTestEnv): Promise<void> {
  const migrate = await runDorm(['migrate'], env)
  if (migrate.code !== 0) throw new Error(`dorm migrate exited ${migrate.code}:\n${migrate.stdout}\n${migrate.stderr}`)
  const seed = await runNode('seed.ts', env)
  if (seed.code !== 0) throw new Error(`seed.ts exited ${seed.code}:\n${seed.stderr}`)
}
