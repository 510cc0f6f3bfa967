/**
 * Environment → dorm settings, in one place: the `dorm` CLI (`dorm.config.ts`) and the server read
 * the same function, so migrations run against exactly what the app uses.
 *
 * - `DATABASE_URL` set: PostgreSQL primary; `REPLICA_URL` adds a replica behind LagAwareReadRouter.
 * - unset: SQLite primary `${SHOP_DATA_DIR:-.dorm-demo/shop}/primary.sqlite3` and a replica file
 *   `replica.sqlite3` beside it, refreshed by `replication.ts` and routed by {@link PrimaryReplicaRouter}.
 * - `S3_BUCKET` set: S3Storage (credentials from the standard AWS chain); else FileSystemStorage.
 *
 * @example
 * ```ts
 * import { configure } from '@dorm/engine'
 * import { shopSettings } from './settings.js'
 * configure(shopSettings(process.env))
 * ```
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { DormSettings, Router } from '@dorm/engine'
import { LagAwareReadRouter } from '@dorm/engine/contrib/lag-router'

/** The environment variables the shop reads. */
export type ShopEnv = Record<string, string | undefined>

/** The alias writes go to. */
export const PRIMARY = 'default'
/** The alias reads go to when a replica is configured. */
export const REPLICA = 'replica'

/** Where the SQLite files and the media folder live: `SHOP_DATA_DIR`, default `.dorm-demo/shop`. */
export function shopDataDir(env: ShopEnv = process.env): string {
  return resolve(env.SHOP_DATA_DIR?.trim() || '.dorm-demo/shop')
}

/** True when the shop runs on SQLite files (no `DATABASE_URL`). */
export function usesSqlite(env: ShopEnv = process.env): boolean {
  return !env.DATABASE_URL?.trim()
}

/** Paths of the SQLite primary and replica files (SQLite mode). */
export function sqliteFiles(env: ShopEnv = process.env): { primary: string; replica: string } {
  const dir = shopDataDir(env)
  return { primary: join(dir, 'primary.sqlite3'), replica: join(dir, 'replica.sqlite3') }
}

/**
 * The primary/replica router of docs/orm.md "Routing and read-after-write" (the seed's
 * PrimaryReplicaRouter): reads to the replica, writes and migrations to the primary.
 *
 * @example
 * ```ts
 * configure({ DATABASE_ROUTERS: [new PrimaryReplicaRouter()] })
 * ```
 */
export class PrimaryReplicaRouter implements Router {
  dbForRead(): string {
    return REPLICA
  }
  dbForWrite(): string {
    return PRIMARY
  }
  allowMigrate(alias: string): boolean {
    return alias === PRIMARY
  }
}

function integerEnv(env: ShopEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not an integer >= ${min}. Set it to a whole number or unset it.`)
  }
  return value
}

/** MAX_POOL_SIZE of the primary: `SHOP_POOL_SIZE`, default 4 (small, so /reports/hold can saturate it). */
export function shopPoolSize(env: ShopEnv = process.env): number {
  return integerEnv(env, 'SHOP_POOL_SIZE', 4, 1)
}

// docs/connections.md "The PostgreSQL pool": all seven knobs, spelled out for the reader to tune
function postgresEntry(url: string, maxPoolSize: number, applicationName: string) {
  return {
    URL: url,
    MIN_POOL_SIZE: 1, // one warm connection; the rest opens on demand
    MAX_POOL_SIZE: maxPoolSize, // seed rule of thumb: vCPU × 2 per process
    POOL_TIMEOUT: 3, // seconds a checkout waits before PoolTimeout (the burst shows it)
    POOL_CHECK: true, // SELECT 1 on checkout for connections idle > 1 s
    PREPARE_THRESHOLD: 5, // the 5th run of a SQL shape becomes a server-side prepared statement
    MAX_IDLE: 300, // close surplus connections idle for 5 minutes
    MAX_LIFETIME: 1800, // recycle every connection after 30 minutes (jittered)
    OPTIONS: { application_name: applicationName },
  }
}

function databases(env: ShopEnv): { databases: DormSettings['DATABASES']; routers: Router[] } {
  const poolSize = shopPoolSize(env)
  if (usesSqlite(env)) {
    const files = sqliteFiles(env)
    mkdirSync(shopDataDir(env), { recursive: true })
    return {
      databases: { [PRIMARY]: `sqlite:///${files.primary}`, [REPLICA]: `sqlite:///${files.replica}` },
      routers: [new PrimaryReplicaRouter()],
    }
  }
  const primary = postgresEntry(env.DATABASE_URL?.trim() as string, poolSize, 'shop')
  const replicaUrl = env.REPLICA_URL?.trim()
  if (!replicaUrl) return { databases: { [PRIMARY]: primary }, routers: [] }
  return {
    databases: { [PRIMARY]: primary, [REPLICA]: postgresEntry(replicaUrl, poolSize * 2, 'shop-replica') },
    // docs/resilience.md "Lag-aware read routing": reads go to the primary while the replica lags
    routers: [new LagAwareReadRouter({ primary: PRIMARY, replicas: [REPLICA], maxLagSeconds: 2, cacheSeconds: 5 })],
  }
}

function storages(env: ShopEnv): DormSettings['STORAGES'] {
  const bucket = env.S3_BUCKET?.trim()
  if (bucket) {
    // docs/storage.md "S3Storage": no keys here, the AWS chain provides them (DORM-D012)
    const endpoint = env.AWS_ENDPOINT_URL_S3?.trim()
    return {
      default: {
        BACKEND: 's3',
        OPTIONS: { bucket, location: 'media', ...(endpoint ? { endpoint } : {}) },
      },
    }
  }
  // docs/storage.md "FileSystemStorage": outside the code, beside the database files
  return {
    default: { BACKEND: 'filesystem', OPTIONS: { location: join(shopDataDir(env), 'media'), baseUrl: '/media/' } },
  }
}

/**
 * The settings object given to `configure()` (and exported by `dorm.config.ts`).
 *
 * @example
 * ```ts
 * shopSettings({ DATABASE_URL: 'postgres://shop@db/shop', REPLICA_URL: 'postgres://shop@replica/shop' }).DATABASE_ROUTERS
 * // [LagAwareReadRouter]
 * ```
 */
export function shopSettings(env: ShopEnv = process.env): DormSettings {
  const { databases: DATABASES, routers } = databases(env)
  return {
    DATABASES,
    DATABASE_ROUTERS: routers,
    INSTALLED_APPS: ['.'], // this folder: models.ts and migrations/
    // docs/connections.md "Configuring databases": explicit settings win over DORM_* env vars
    SLOW_QUERY_MS: 200,
    RETRY_ATTEMPTS: 3,
    RETRY_BACKOFF: 0.1,
    // docs/orm.md "Routing and read-after-write": a request reads back its own writes from the primary
    READ_AFTER_WRITE_WINDOW: 3,
    // docs/observability.md "Query counts": the default warnAbove of queryCountGuard
    QUERY_COUNT_WARN: 20,
    STORAGES: storages(env),
  }
}
