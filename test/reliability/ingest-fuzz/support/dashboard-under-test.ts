/**
 * A real dashboard for the hostile-input scenarios: the production build (`next start`) on a free
 * loopback port with its own store (a SQLite file in a temp dir, or a PostgreSQL database), the
 * fuzz keys created in it beforehand, and everything the server prints kept whole (the secrets scan
 * reads it).
 *
 * @example
 * ```ts
 * const dashboard = await startDashboardUnderTest({ name: 'fuzz', password: 'admin-pw' })
 * await fetch(`${dashboard.url}/api/v1/health`)
 * await dashboard.stop()
 * ```
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getFreePort } from '../../../../scripts/pg-cluster.mjs'
import { DASHBOARD_DIR, NEXT_BIN, runTs } from './e2e-support.js'
import { type DashboardStore, storeOf } from './store-counts.js'

/** The keys created in the store: per environment an ingest and a CI key (`revoked`: both revoked, of `fuzz`). */
export type FuzzKeys = Record<'fuzz' | 'other' | 'revoked', { ingest: string; ci: string }>

/** A running dashboard under test. */
export interface DashboardUnderTest {
  readonly url: string
  readonly keys: FuzzKeys
  readonly store: DashboardStore
  readonly pid: number
  /** Whether the server process is still running. */
  alive(): boolean
  /** Everything the server printed so far (stdout and stderr). */
  output(): string
  /** Resident memory of the server process, in MB (from /proc). */
  rssMb(): Promise<number>
  stop(): Promise<void>
}

const SEED_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'seed-fuzz-keys.ts')

/**
 * Creates the store and its keys, starts `next start` and waits for `GET /api/v1/health`.
 *
 * @example
 * ```ts
 * const onPg = await startDashboardUnderTest({ name: 'fuzz-pg', password, databaseUrl: await freshPgDatabase('fuzz') })
 * ```
 */
export async function startDashboardUnderTest(options: {
  name: string
  password: string
  databaseUrl?: string
  env?: NodeJS.ProcessEnv
  /** Labels of extra ingest keys of `fuzz` (shown on the settings page). */
  keyLabels?: string[]
}): Promise<DashboardUnderTest> {
  if (!existsSync(join(DASHBOARD_DIR, '.next', 'BUILD_ID'))) {
    throw new Error(
      'the dashboard has no production build: run `npx turbo run build --filter=@dorm/dashboard` from the repository root',
    )
  }
  const dataDir = await mkdtemp(join(tmpdir(), `dorm-${options.name}-`))
  const storeEnv = { DASHBOARD_DATA_DIR: dataDir, DASHBOARD_DATABASE_URL: options.databaseUrl ?? '' }
  const seeded = await runTs(SEED_SCRIPT, {
    cwd: DASHBOARD_DIR,
    env: { ...storeEnv, FUZZ_KEY_LABELS: JSON.stringify(options.keyLabels ?? []) },
  })
  const keys = JSON.parse(seeded.stdout.trim().split('\n').pop() ?? '{}') as FuzzKeys
  const port = await getFreePort()
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: DASHBOARD_DIR,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
      DASHBOARD_ADMIN_PASSWORD: options.password,
      // the fuzz sends thousands of requests with one key: no rate limit unless the scenario sets one
      DASHBOARD_RATE_LIMIT_PER_S: '0',
      DASHBOARD_PRUNE_INTERVAL_S: '0',
      ...storeEnv,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks: string[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const alive = () => child.exitCode === null && child.signalCode === null
  const stop = async () => {
    if (alive()) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    await rm(dataDir, { recursive: true, force: true })
  }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (!alive()) throw new Error(`next start exited with ${child.exitCode}:\n${chunks.join('')}`)
    const ok = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the dashboard did not answer GET /api/v1/health within 60 s:\n${chunks.join('')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    url,
    keys,
    store: storeOf(storeEnv),
    pid: child.pid as number,
    alive,
    output: () => chunks.join(''),
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
      return Math.round(kb / 1024)
    },
    stop,
  }
}
