/**
 * The shop's HTTP server: `node --import tsx examples/shop/server.ts`.
 *
 * Boot order: logging, metrics and tracing → settings (`configure`) → the migration check (refuses to start
 * while migrations are pending, unless SHOP_MIGRATE_ON_START=1) → the replica (SQLite: first copy
 * and the refresh timer; PostgreSQL: the lag router's warm-up) → the telemetry exporter → listen,
 * printing one JSON line `{"event":"listening","url":"http://127.0.0.1:<port>"}` to stdout.
 * SIGINT/SIGTERM: stop accepting, let requests finish, flush telemetry, close the pools, exit 0.
 *
 * @example
 * ```sh
 * cd examples/shop && npx dorm migrate && cd ../.. && node --import tsx examples/shop/seed.ts
 * PORT=0 node --import tsx examples/shop/server.ts   # {"event":"listening","url":"http://127.0.0.1:39871"}
 * ```
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { closeAll, configure, describeError, getLogger } from '@dorm/engine'
import { LagAwareReadRouter } from '@dorm/engine/contrib/lag-router'
import { createShopHandler } from './app.js'
import { ensureMigrated, PendingMigrations } from './database.js'
import { enableTracing, setupObservability } from './observability.js'
import { type SqliteReplication, startSqliteReplication } from './replication.js'
import type { ShopRuntime } from './runtime.js'
import { PRIMARY, REPLICA, shopSettings, sqliteFiles, usesSqlite } from './settings.js'
import { startShopTelemetry } from './telemetry.js'

const logger = getLogger('shop.server')
/** Longest a graceful stop waits for requests in flight before closing their sockets. */
const DRAIN_TIMEOUT_MS = 10_000

function listenOptions(env: NodeJS.ProcessEnv): { port: number; host: string } {
  const raw = env.PORT?.trim() || '8000'
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT=${JSON.stringify(raw)} is not a port number (0-65535; 0 picks a free port).`)
  }
  return { port, host: env.HOST?.trim() || '127.0.0.1' }
}

async function main(): Promise<void> {
  const env = process.env
  setupObservability(env)
  await enableTracing()
  const settings = shopSettings(env)
  configure(settings)
  const { port, host } = listenOptions(env)

  await ensureMigrated({ migrateOnStart: env.SHOP_MIGRATE_ON_START === '1' })

  let replication: SqliteReplication | undefined
  const lagRouter = settings.DATABASE_ROUTERS?.find((r): r is LagAwareReadRouter => r instanceof LagAwareReadRouter)
  if (usesSqlite(env)) {
    const intervalMs = Number(env.SHOP_REPLICATION_INTERVAL_MS?.trim() || 1000)
    if (!Number.isFinite(intervalMs) || intervalMs < 50) {
      throw new Error(`SHOP_REPLICATION_INTERVAL_MS=${env.SHOP_REPLICATION_INTERVAL_MS} must be a number >= 50 (ms).`)
    }
    replication = startSqliteReplication({ primaryFile: sqliteFiles(env).primary, intervalMs })
    await replication.refresh()
  } else if (lagRouter !== undefined) {
    await lagRouter.refresh() // docs/resilience.md: measure the replica before serving
  }
  const runtime: ShopRuntime = {
    analyticsAlias: usesSqlite(env) || lagRouter !== undefined ? REPLICA : PRIMARY,
    replication,
    lagRouter,
    devEndpoints: env.NODE_ENV !== 'production',
  }

  const telemetry = startShopTelemetry(env)
  const server = createServer(createShopHandler(runtime))
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  // bound to every interface (HOST=0.0.0.0 in the Docker image): announce the loopback URL, which works
  const unspecified = address.address === '0.0.0.0' || address.address === '::'
  const shownHost = unspecified ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://${shownHost}:${address.port}` })}\n`)
  logger.info('listening', { url: `http://${shownHost}:${address.port}`, primary: PRIMARY, telemetry: !!telemetry })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info(`${signal}: stopping`)
    const drained = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const timer = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS)
    await drained
    clearTimeout(timer)
    await telemetry?.stop()
    await replication?.stop()
    lagRouter?.close()
    await closeAll()
    logger.info('stopped')
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

main().catch(async (err: unknown) => {
  const message = err instanceof PendingMigrations ? err.message : describeError(err)
  process.stderr.write(`shop: cannot start: ${message}\n`)
  await closeAll().catch(() => undefined)
  process.exit(1)
})
