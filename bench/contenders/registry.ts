/**
 * Every contender by name: its backend, prepare mode, the methods it implements (so the
 * orchestrator knows which workloads it joins without starting it) and its factory.
 */
import type { Backend, Contender, ContenderEnv } from './contender.js'

/** A contender's description. */
export interface ContenderInfo {
  name: string
  backend: Backend
  /** Library and prepare mode, for the report. */
  description: string
  /** The npm package whose version the report shows. */
  pkg: string
  methods: ReadonlyArray<keyof Contender>
  /** Only these workloads, whatever the methods (variants that exist for one comparison). */
  onlyWorkloads?: readonly string[]
  create(env: ContenderEnv): Promise<Contender>
}

const SQL_READS = ['pointRead', 'page', 'fetchMany', 'relations', 'aggregate', 'filteredCount'] as const
const SQL_WRITES = ['insertOne', 'bulkInsert', 'bulkUpdate', 'bulkDelete', 'transfer'] as const
const PG_ALL = [...SQL_READS, ...SQL_WRITES, 'fetchIterate'] as const
const SQLITE_ALL = ['pointRead', 'page', 'fetchMany', 'insertOne', 'bulkInsert'] as const

const dorm = (
  name: string,
  description: string,
  options: { prepareThreshold?: number | null; poolCheck?: boolean; hooks?: boolean },
  methods: ReadonlyArray<keyof Contender>,
  onlyWorkloads?: readonly string[],
): ContenderInfo => ({
  name,
  backend: 'postgresql',
  description,
  pkg: '@dorm/engine',
  methods,
  onlyWorkloads,
  create: async (env) => (await import('./dorm.js')).createDorm(env, { engine: 'postgresql', ...options }),
})

/**
 * The contenders, PostgreSQL first, in report column order.
 *
 * @example
 * ```ts
 * const names = CONTENDERS.filter((c) => c.backend === 'sqlite').map((c) => c.name)
 * ```
 */
export const CONTENDERS: readonly ContenderInfo[] = [
  {
    name: 'pg',
    backend: 'postgresql',
    description: 'node-postgres Pool, unnamed statements',
    pkg: 'pg',
    methods: [...PG_ALL, 'checkout', 'checkoutSelect1'],
    create: async (env) => (await import('./pg-raw.js')).createPgRaw(env, 'unnamed'),
  },
  {
    name: 'pg-named',
    backend: 'postgresql',
    description: 'node-postgres Pool, named prepared statements',
    pkg: 'pg',
    methods: PG_ALL.filter((m) => m !== 'fetchIterate'),
    create: async (env) => (await import('./pg-raw.js')).createPgRaw(env, 'named'),
  },
  {
    name: 'pg-unnest',
    backend: 'postgresql',
    description: 'node-postgres, INSERT … SELECT FROM unnest(arrays)',
    pkg: 'pg',
    methods: ['bulkInsert'],
    create: async (env) => (await import('./pg-raw.js')).createPgRaw(env, 'unnest'),
  },
  {
    name: 'postgres.js',
    backend: 'postgresql',
    description: 'postgres.js, prepare: true (pipelined)',
    pkg: 'postgres',
    methods: [...PG_ALL, 'checkout', 'checkoutSelect1'],
    create: async (env) => (await import('./postgres-js.js')).createPostgresJs(env),
  },
  {
    name: 'drizzle',
    backend: 'postgresql',
    description: 'Drizzle on node-postgres',
    pkg: 'drizzle-orm',
    methods: [...SQL_READS, ...SQL_WRITES, 'compileQuery'],
    create: async (env) => (await import('./drizzle-pg.js')).createDrizzlePg(env, { prepared: false }),
  },
  {
    name: 'drizzle-prep',
    backend: 'postgresql',
    description: 'Drizzle, .prepare(name) statements',
    pkg: 'drizzle-orm',
    methods: ['pointRead', 'page', 'fetchMany', 'insertOne', 'aggregate', 'filteredCount'],
    create: async (env) => (await import('./drizzle-pg.js')).createDrizzlePg(env, { prepared: true }),
  },
  {
    name: 'kysely',
    backend: 'postgresql',
    description: 'Kysely PostgresDialect on node-postgres',
    pkg: 'kysely',
    methods: [...PG_ALL, 'compileQuery'],
    create: async (env) => (await import('./kysely.js')).createKysely(env, 'postgresql'),
  },
  {
    name: 'prisma',
    backend: 'postgresql',
    description: 'Prisma 7 + @prisma/adapter-pg',
    pkg: 'prisma',
    methods: [...SQL_READS, ...SQL_WRITES],
    create: async (env) => (await import('./prisma.js')).createPrisma(env, 'postgresql', { named: false }),
  },
  {
    name: 'prisma-named',
    backend: 'postgresql',
    description: 'Prisma 7 + adapter-pg with statementNameGenerator',
    pkg: 'prisma',
    methods: [...SQL_READS],
    create: async (env) => (await import('./prisma.js')).createPrisma(env, 'postgresql', { named: true }),
  },
  dorm('dorm-5', 'dorm, PREPARE_THRESHOLD 5 (default)', { prepareThreshold: 5 }, [
    ...PG_ALL,
    'checkout',
    'checkoutSelect1',
    'compileQuery',
    'hydrate',
  ]),
  dorm('dorm-0', 'dorm, PREPARE_THRESHOLD 0 (always)', { prepareThreshold: 0 }, PG_ALL),
  dorm('dorm-off', 'dorm, PREPARE_THRESHOLD null (never)', { prepareThreshold: null }, PG_ALL),
  dorm(
    'dorm-nocheck',
    'dorm, POOL_CHECK false',
    { prepareThreshold: 5, poolCheck: false },
    ['pointRead', 'checkout', 'checkoutSelect1'],
    ['W2', 'W3', 'W3q'],
  ),
  dorm(
    'dorm-hooks',
    'dorm + postQuery receiver + OpenTelemetry (no-op tracer)',
    { prepareThreshold: 5, hooks: true },
    ['pointRead'],
    ['W1', 'W2'],
  ),
  {
    name: 'better-sqlite3',
    backend: 'sqlite',
    description: 'better-sqlite3, prepared statements',
    pkg: 'better-sqlite3',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./sqlite-raw.js')).createBetterSqlite(env),
  },
  {
    name: 'libsql',
    backend: 'sqlite',
    description: '@libsql/client, local file',
    pkg: '@libsql/client',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./sqlite-raw.js')).createLibsqlRaw(env),
  },
  {
    name: 'dorm-sqlite',
    backend: 'sqlite',
    description: 'dorm, ENGINE sqlite (better-sqlite3)',
    pkg: '@dorm/engine',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./dorm.js')).createDorm(env, { engine: 'sqlite' }),
  },
  {
    name: 'dorm-libsql',
    backend: 'sqlite',
    description: 'dorm, ENGINE libsql',
    pkg: '@dorm/engine',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./dorm.js')).createDorm(env, { engine: 'libsql' }),
  },
  {
    name: 'drizzle-sqlite',
    backend: 'sqlite',
    description: 'Drizzle on better-sqlite3',
    pkg: 'drizzle-orm',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./drizzle-sqlite.js')).createDrizzleSqlite(env),
  },
  {
    name: 'kysely-sqlite',
    backend: 'sqlite',
    description: 'Kysely SqliteDialect on better-sqlite3',
    pkg: 'kysely',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./kysely.js')).createKysely(env, 'sqlite'),
  },
  {
    name: 'prisma-sqlite',
    backend: 'sqlite',
    description: 'Prisma 7 + @prisma/adapter-better-sqlite3',
    pkg: 'prisma',
    methods: SQLITE_ALL,
    create: async (env) => (await import('./prisma.js')).createPrisma(env, 'sqlite', { named: false }),
  },
]

/**
 * A contender by name, or an error listing the names.
 *
 * @example
 * ```ts
 * const info = contenderInfo('dorm-5')
 * ```
 */
export function contenderInfo(name: string): ContenderInfo {
  const info = CONTENDERS.find((c) => c.name === name)
  if (!info) throw new Error(`unknown contender '${name}'; known: ${CONTENDERS.map((c) => c.name).join(', ')}`)
  return info
}
