/**
 * The example app's part of the demo (`examples/shop`): its environment (SQLite files in the demo
 * dir, or the PostgreSQL of `DORM_DEMO_PG_URL`), the seed, and the server with its telemetry
 * pointed at the dashboard, waited for on its `{"event":"listening"}` line and `GET /healthz`.
 *
 * @example
 * ```ts
 * const database = shopDatabase(layout)
 * await seedShop({ layout, database })
 * const shop = await startShop({ layout, database, port: 8000, dashboardUrl, environment: 'demo' })
 * ```
 */
import { join } from 'node:path'
import type { DemoLayout } from './demo-dir.js'
import { SHOP_DIR, TSX_LOADER } from './paths.js'
import { HOST } from './ports.js'
import { type ManagedProcess, runToEnd, startProcess } from './processes.js'
import { Interrupted, StepFailure } from './steps.js'
import { waitForHttp } from './wait.js'

/** Where the shop keeps its data. */
export interface ShopDatabase {
  /** `sqlite` (files in the demo dir) or `postgresql` (DORM_DEMO_PG_URL). */
  readonly vendor: 'sqlite' | 'postgresql'
  /** The URL the Action migrates (the SQLite primary file, or the PostgreSQL URL). */
  readonly url: string
  /** For the output: a path, or the URL without its password. */
  readonly display: string
  /** DATABASE_URL for the shop's processes: unset in SQLite mode. */
  readonly databaseUrl: string | undefined
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(a PostgreSQL URL)'
  }
}

/**
 * The shop's database: `DORM_DEMO_PG_URL` when set, else SQLite files under `<demo dir>/shop`.
 *
 * @example
 * ```ts
 * shopDatabase(layout, { DORM_DEMO_PG_URL: 'postgres://shop@127.0.0.1/shop' }).vendor // 'postgresql'
 * ```
 */
export function shopDatabase(layout: DemoLayout, env: NodeJS.ProcessEnv = process.env): ShopDatabase {
  const pgUrl = env.DORM_DEMO_PG_URL?.trim()
  if (pgUrl) {
    if (!/^postgres(ql)?:\/\//.test(pgUrl)) {
      throw new StepFailure(
        `DORM_DEMO_PG_URL must be a postgres:// URL, got '${pgUrl.split(':')[0]}:...'.`,
        'Set DORM_DEMO_PG_URL=postgres://user:password@host:5432/database, or unset it to use SQLite files.',
      )
    }
    return { vendor: 'postgresql', url: pgUrl, display: withoutPassword(pgUrl), databaseUrl: pgUrl }
  }
  const primary = join(layout.shopData, 'primary.sqlite3')
  return { vendor: 'sqlite', url: `sqlite:///${primary}`, display: primary, databaseUrl: undefined }
}

/**
 * The environment every shop process gets (the seed, the server); `undefined` unsets a variable.
 *
 * @example
 * ```ts
 * shopEnv(layout, database).SHOP_DATA_DIR // '/repo/.dorm-demo/shop'
 * ```
 */
export function shopEnv(layout: DemoLayout, database: ShopDatabase): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.databaseUrl,
    // unset (undefined), whatever the shell exports: the demo's database only
    MIGRATION_DATABASE_URL: undefined,
    REPLICA_URL: undefined,
    S3_BUCKET: undefined,
    DORM_SETTINGS: undefined,
    SHOP_DATA_DIR: layout.shopData,
  }
}

/**
 * Runs the shop's idempotent seed; returns the line it printed.
 *
 * @example
 * ```ts
 * await seedShop({ layout, database }) // 'created 20 customers, 4 categories, 32 products, 30 orders'
 * ```
 */
export async function seedShop(options: {
  layout: DemoLayout
  database: ShopDatabase
  signal?: AbortSignal
}): Promise<string> {
  const logFile = join(options.layout.logs, 'shop-seed.log')
  let summary: string | undefined
  const result = await runToEnd(
    {
      name: 'seed',
      onLine: (line) => {
        if (line.includes('"event":"seed"')) summary = line
      },
      command: process.execPath,
      args: ['--import', TSX_LOADER, join(SHOP_DIR, 'seed.ts')],
      cwd: SHOP_DIR,
      env: shopEnv(options.layout, options.database),
      logFile,
    },
    options.signal,
  )
  if (options.signal?.aborted) throw new Interrupted()
  if (result.code !== 0) {
    throw new StepFailure(
      `the shop's seed (examples/shop/seed.ts) exited with ${result.code ?? result.signal}.`,
      'Read the output below; when the database is the cause, check it is reachable and migrated ' +
        '(cd examples/shop && npx dorm showmigrations).',
      { logFile, details: result.output },
    )
  }
  return describeSeed(summary ?? result.output.trim().split('\n').pop() ?? '')
}

/** The seed's JSON line in words: `created 20 customers, 32 products, ...` or `data already there`. */
function describeSeed(line: string): string {
  try {
    const { event, created, ...counts } = JSON.parse(line) as Record<string, unknown>
    const listed = Object.entries(counts)
      .filter(([, value]) => typeof value === 'number')
      .map(([name, value]) => `${value} ${name}`)
      .join(', ')
    if (event === 'seed' && typeof created === 'boolean') {
      return created ? `created ${listed}` : `data already there (${listed}): nothing to do`
    }
  } catch {
    // not JSON: print it as it is
  }
  return line || 'done'
}

/** The running shop. */
export interface RunningShop {
  readonly url: string
  readonly process: ManagedProcess
}

/**
 * Starts `examples/shop/server.ts` and waits until it is healthy.
 *
 * @example
 * ```ts
 * const shop = await startShop({ layout, database, port: 8000, dashboardUrl: 'http://127.0.0.1:3000', environment: 'demo' })
 * ```
 */
export async function startShop(options: {
  layout: DemoLayout
  database: ShopDatabase
  port: number
  dashboardUrl: string
  environment: string
  telemetryIntervalS: number
  signal?: AbortSignal
}): Promise<RunningShop> {
  let announced: string | undefined
  const server = startProcess({
    name: 'shop',
    command: process.execPath,
    args: ['--import', TSX_LOADER, join(SHOP_DIR, 'server.ts')],
    cwd: SHOP_DIR,
    env: {
      ...shopEnv(options.layout, options.database),
      PORT: String(options.port),
      HOST,
      SHOP_MIGRATE_ON_START: undefined,
      DORM_TELEMETRY_ENDPOINT: options.dashboardUrl,
      DORM_TELEMETRY_TOKEN: undefined,
      DORM_TELEMETRY_TOKEN_FILE: options.layout.ingestKeyFile,
      DORM_ENVIRONMENT: options.environment,
      DORM_SERVICE: 'shop',
      DORM_TELEMETRY_INTERVAL_S: String(options.telemetryIntervalS),
    },
    logFile: join(options.layout.logs, 'shop.log'),
    onLine: (line) => {
      if (!line.startsWith('{')) return
      try {
        const event = JSON.parse(line) as { event?: string; url?: string }
        if (event.event === 'listening' && typeof event.url === 'string') announced = event.url
      } catch {
        // a log line that only looks like JSON
      }
    },
  })
  const url = `http://${HOST}:${options.port}`
  await waitForHttp({
    url: `${url}/healthz`,
    process: server,
    what: 'the shop',
    timeoutMs: 60_000,
    fix: 'Read the shop log; a refusal to start because of pending migrations means the migrate step did not run.',
    ...(options.signal ? { signal: options.signal } : {}),
  })
  return { url: announced ?? url, process: server }
}
