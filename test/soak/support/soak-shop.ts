/**
 * The example shop under soak, run as a user runs it: on PostgreSQL (a fresh database on the
 * shared server, owned by a role whose password is the canary), migrated by the `dorm` CLI, seeded
 * by `seed.ts`, then `server.ts` with PORT=0, its replica URL on the same database (the lag-aware
 * router measures no lag there) and its telemetry exporter pointed at the dashboard.
 *
 * @example
 * ```ts
 * const shop = await startSoakShop({ workDir, logDir, databaseUrl, telemetry: { endpoint, keyFile, environment: 'soak', intervalS: 5 } })
 * await fetch(`${shop.url}/healthz`)
 * ```
 */
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { REPO_ROOT, TSX_LOADER } from '../../../e2e/support/paths.js'
import { runNode } from '../../../e2e/support/processes.js'
import { type SoakProcess, startSoakProcess } from './soak-process.js'

/** The examples/shop folder. */
export const SHOP_DIR = join(REPO_ROOT, 'examples', 'shop')
const DORM_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'dorm')

/** A shop started for the soak. */
export interface SoakShop {
  readonly url: string
  readonly process: SoakProcess
}

/**
 * A fresh database on the server of `adminDatabaseUrl`, owned by a login role `role` whose
 * password is `password`; returns the URL that logs in as that role.
 *
 * @example
 * ```ts
 * const url = await databaseForRole(await freshPgDatabase('soak_shop'), 'soak_shop', CANARY_PASSWORD)
 * ```
 */
export async function databaseForRole(adminDatabaseUrl: string, role: string, password: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl })
  await admin.connect()
  try {
    const quotedPassword = `'${password.replaceAll("'", "''")}'`
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])
    await admin.query(
      `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE "${role}" WITH LOGIN PASSWORD ${quotedPassword} CONNECTION LIMIT 40`,
    )
    const database = new URL(adminDatabaseUrl).pathname.slice(1)
    await admin.query(`ALTER DATABASE "${database}" OWNER TO "${role}"`)
    await admin.query(`ALTER SCHEMA public OWNER TO "${role}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminDatabaseUrl)
  url.username = role
  url.password = password
  return url.toString()
}

/** The shop's environment: the inherited one without any shop or telemetry setting, then ours. */
function shopEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env }
  for (const name of Object.keys(base)) {
    if (
      /^(DATABASE_URL|REPLICA_URL|SHOP_|DORM_TELEMETRY|DORM_ENVIRONMENT|DORM_SERVICE|S3_BUCKET|PORT$|HOST$)/.test(name)
    ) {
      delete base[name]
    }
  }
  return { ...base, NODE_ENV: 'production', ...settings }
}

/**
 * Migrates, seeds and starts the shop; resolves once it printed its listening line.
 *
 * @example
 * ```ts
 * const { url } = await startSoakShop({ workDir, logDir, databaseUrl, telemetry })
 * ```
 */
export async function startSoakShop(options: {
  workDir: string
  logDir: string
  databaseUrl: string
  telemetry: { endpoint: string; keyFile: string; environment: string; service: string; intervalS: number }
}): Promise<SoakShop> {
  const env = shopEnv({
    DATABASE_URL: options.databaseUrl,
    REPLICA_URL: options.databaseUrl,
    SHOP_DATA_DIR: join(options.workDir, 'shop-data'),
    DORM_TELEMETRY_ENDPOINT: options.telemetry.endpoint,
    DORM_TELEMETRY_TOKEN_FILE: options.telemetry.keyFile,
    DORM_ENVIRONMENT: options.telemetry.environment,
    DORM_SERVICE: options.telemetry.service,
    DORM_TELEMETRY_INTERVAL_S: String(options.telemetry.intervalS),
    PORT: '0',
  })
  const setupLog = join(options.logDir, 'shop-setup.log')
  for (const args of [
    [DORM_BIN, 'migrate'],
    ['--import', TSX_LOADER, 'seed.ts'],
  ]) {
    const { stdout, stderr } = await runNode(args, { cwd: SHOP_DIR, env, timeoutMs: 120_000 })
    await appendFile(setupLog, `$ node ${args.slice(-2).join(' ')}\n${stdout}${stderr}`)
  }
  const server = startSoakProcess({
    name: 'shop',
    inspect: true,
    args: ['--import', TSX_LOADER, 'server.ts'],
    cwd: SHOP_DIR,
    env,
    logFile: join(options.logDir, 'shop.log'),
  })
  const line = await Promise.race([
    server.firstStdoutLine,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`the shop did not print its listening line within 60 s`)), 60_000).unref(),
    ),
  ]).catch(async (err: unknown) => {
    await server.stop()
    throw err
  })
  const { event, url } = JSON.parse(line) as { event?: string; url?: string }
  if (event !== 'listening' || typeof url !== 'string') {
    await server.stop()
    throw new Error(`the shop's first line is not its listening line: ${line}`)
  }
  return { url, process: server }
}
