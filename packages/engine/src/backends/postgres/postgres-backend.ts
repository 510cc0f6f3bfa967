import type pg from 'pg'
import type { ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { getLogger } from '../../db/logging.js'
import { type DormError, ImproperlyConfigured } from '../../errors.js'
import type { Backend, CompactPoolStats, PoolStatsReport, SessionLease } from '../base/base-connection.js'
import { postgresClientConfig } from './postgres-client-config.js'
import { isTransientPostgresError, mapPostgresError } from './postgres-errors.js'
import { type PoolConnector, PostgresPool } from './postgres-pool.js'
import { PostgresSession } from './postgres-session.js'
import { timestamptzParser } from './postgres-timestamptz.js'

const lifecycleLogger = getLogger('dorm.db.lifecycle.postgresql')
const poolLogger = getLogger('dorm.db.pool')

let pgModule: Promise<typeof pg> | undefined

/** Loads `pg` on first use, so apps on SQLite never load it. */
function loadPg(): Promise<typeof pg> {
  pgModule ??= import('pg').then(
    (m) => m.default,
    (err: unknown) => {
      pgModule = undefined
      throw new ImproperlyConfigured(
        "ENGINE 'postgresql' needs the `pg` package, which could not be loaded. Run `npm install pg`.",
        { cause: err },
      )
    },
  )
  return pgModule
}

const INT8_OID = 20
const TIMESTAMPTZ_OID = 1184
let typeParsers: pg.CustomTypesConfig | undefined
let timestamptz: ((text: string) => unknown) | undefined

/** bigint text as it came: what pg's own int8 parser returns too, minus its regular expression per value. */
const bigintText = (text: string): string => text

/**
 * pg's type parsers with two cheaper readers giving the same values: timestamptz without regular
 * expressions (postgres-timestamptz.ts) and bigint kept as its text. Only pg's defaults are
 * replaced: a parser the app set with `pg.types.setTypeParser` is used as set. pg asks once per
 * column of a result, not per row.
 */
function dormTypeParsers(types: typeof pg.types): pg.CustomTypesConfig {
  typeParsers ??= {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      const current = types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown
      if (format === 'binary') return current
      if (oid === TIMESTAMPTZ_OID && current.name === 'parseDate') {
        timestamptz ??= timestamptzParser(current)
        return timestamptz
      }
      if (oid === INT8_OID && current.name === 'parseBigInteger') return bigintText
      return current
    }) as pg.CustomTypesConfig['getTypeParser'],
  }
  return typeParsers
}

export function pgConnector(config: pg.ClientConfig): PoolConnector<pg.Client> {
  return {
    async open(timeoutMs) {
      const { Client, types } = await loadPg()
      const configured = config.connectionTimeoutMillis
      const connectionTimeoutMillis = Math.ceil(configured ? Math.min(configured, timeoutMs) : timeoutMs)
      const client = new Client({ types: dormTypeParsers(types), ...config, connectionTimeoutMillis })
      // pg emits 'error' for failures while no query runs; without a listener it would crash the process
      client.on('error', () => undefined)
      await client.connect()
      return client
    },
    async close(client) {
      await client.end()
    },
    async ping(client) {
      await client.query('SELECT 1')
    },
    onLost(client, handler) {
      client.on('error', handler)
      client.on('end', () => handler(new Error('Connection terminated')))
    },
  }
}

/**
 * The PostgreSQL backend of one alias: a {@link PostgresPool} of `pg.Client`s configured from the
 * seven pool knobs, plus error mapping. The pool opens on creation (MIN_POOL_SIZE connections in
 * the background); `pg` itself loads on the first connection.
 *
 * @example
 * ```ts
 * const backend = createPostgresBackend('default', resolveDatabaseSettings('default', process.env.DATABASE_URL!))
 * const lease = await backend.acquire()
 * try { await lease.session.query('SELECT 1', []) } finally { lease.release() }
 * ```
 */
export function createPostgresBackend(alias: string, settings: ResolvedDatabaseSettings): Backend {
  const config = postgresClientConfig(alias, settings)
  const pool = new PostgresPool<pg.Client>(
    {
      alias,
      min: settings.MIN_POOL_SIZE,
      max: settings.MAX_POOL_SIZE,
      timeoutMs: settings.POOL_TIMEOUT * 1000,
      check: settings.POOL_CHECK,
      maxIdleMs: settings.MAX_IDLE * 1000,
      maxLifetimeMs: settings.MAX_LIFETIME * 1000,
      prepareThreshold: settings.PREPARE_THRESHOLD,
    },
    pgConnector(config),
  )
  const sizes = `min=${settings.MIN_POOL_SIZE}, max=${settings.MAX_POOL_SIZE}, timeout=${settings.POOL_TIMEOUT}s`
  pool.open()
  poolLogger.info(`pool opened for alias '${alias}' (${sizes})`, { alias })
  lifecycleLogger.info(`PostgreSQL pool opened for alias '${alias}' (${sizes})`, {
    alias,
    min: settings.MIN_POOL_SIZE,
    max: settings.MAX_POOL_SIZE,
    timeout_s: settings.POOL_TIMEOUT,
  })
  // host and database name identify a tenant: DEBUG only, never on an INFO sink by default
  lifecycleLogger.debug(`alias '${alias}' connects to database '${settings.NAME}' on ${settings.HOST ?? 'localhost'}`, {
    alias,
    host: settings.HOST,
    port: settings.PORT,
    database: settings.NAME,
  })

  return {
    alias,
    vendor: 'postgresql',
    async acquire(): Promise<SessionLease> {
      const conn = await pool.acquire()
      let released = false
      return {
        session: new PostgresSession(conn),
        release(broken = false) {
          if (released) return
          released = true
          pool.release(conn, broken)
        },
      }
    },
    mapError(err, context): DormError {
      return mapPostgresError(err, { ...context, alias })
    },
    isTransient: isTransientPostgresError,
    poolStats(): PoolStatsReport {
      return { alias, vendor: 'postgresql', has_pool: !pool.closed, ...pool.stats() }
    },
    compactPoolStats(): CompactPoolStats {
      return {
        size: pool.size,
        idle: pool.idleCount,
        in_use: pool.inUseCount,
        max_size: settings.MAX_POOL_SIZE,
        waiting: pool.waitingCount,
      }
    },
    async close(): Promise<void> {
      if (pool.closed) return
      await pool.close()
      poolLogger.info(`pool closed for alias '${alias}'`, { alias })
      lifecycleLogger.info(`PostgreSQL pool closed for alias '${alias}'`, { alias })
    },
  }
}
