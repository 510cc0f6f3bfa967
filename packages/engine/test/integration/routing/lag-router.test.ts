/**
 * LagAwareReadRouter against a real streaming replica (API.md section 6, the seed's "Lag-aware
 * read routing"): a throwaway primary of this file's own and a replica made from it with
 * `pg_basebackup -R`. Reads go to the replica while it is current, are deflected to the primary
 * (one WARNING, one replica_deflection event) while its replay is paused and the primary moves
 * on, and go back once it has caught up.
 *
 * Which database answered a read is observed twice: by the alias a query observer sees for the
 * statement, and by the rows (a row written while the replica is paused exists only on the
 * primary until replay resumes).
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LagAwareReadRouter } from '../../../src/contrib/lag-router/index.js'
import {
  addQueryObserver,
  configure,
  getConnection,
  onDormEvent,
  readAfterWriteScope,
  type StampedDormEvent,
} from '../../../src/index.js'
import { captureLogs } from '../../support/logs.js'
import { createTables, teardownOrm } from '../../support/orm.js'
import { getFreePort, type PgCluster, startPgCluster } from '../../support/pg-cluster.js'
import { type PgReplica, startPgReplica } from '../../support/pg-replica.js'
import { Article, ROUTING_MODELS } from '../../support/routing-models.js'

const MAX_LAG_SECONDS = 1
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

let primary: PgCluster | undefined
let replica: PgReplica | undefined
let router: LagAwareReadRouter

/** One statement on `url` with a client of its own (outside dorm: no routing, no pools). */
async function sql<R>(url: string, text: string, params: unknown[] = []): Promise<R> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text, params)).rows[0] as R
  } finally {
    await client.end()
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Seconds since the last transaction the replica replayed was committed on the primary. */
async function replayAge(): Promise<number> {
  const row = await sql<{ age: number | null }>(
    (replica as PgReplica).url,
    'SELECT EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))::float8 AS age',
  )
  return row.age ?? 0
}

/** Reads every article title through the ORM, with the aliases the SELECTs ran on. */
async function readArticles(): Promise<{ titles: string[]; aliases: string[] }> {
  const aliases: string[] = []
  const remove = addQueryObserver({
    start: () => undefined,
    end: (_state, query) => {
      if (query.sql.includes('"routing_article"')) aliases.push(query.alias)
    },
  })
  try {
    const titles = (await Article.objects.all()).map((article) => article.title)
    return { titles, aliases }
  } finally {
    remove()
  }
}

/** An ORM write, in a request scope of its own so its read-after-write pin stays there. */
const createArticle = (title: string) => readAfterWriteScope(() => Article.objects.create({ title }))

beforeAll(async () => {
  primary = await startPgCluster({ name: 'lag-primary' })
  // no autovacuum: an idle primary commits nothing, so the replay age below only grows
  await sql(primary.url, 'ALTER SYSTEM SET autovacuum = off')
  await sql(primary.url, 'SELECT pg_reload_conf()')
  replica = await startPgReplica(primary, { name: 'lag-replica' })
  router = new LagAwareReadRouter({ primary: 'default', replicas: ['replica'], maxLagSeconds: MAX_LAG_SECONDS })
  configure({ DATABASES: { default: primary.url, replica: replica.url }, DATABASE_ROUTERS: [router] })
  await createTables(ROUTING_MODELS, 'default')
  await createArticle('first')
  await replica.waitForCatchUp(primary)
}, 180_000)

afterAll(async () => {
  router?.close()
  await teardownOrm()
  await replica?.stop()
  await primary?.stop()
}, 120_000)

describe('LagAwareReadRouter with a streaming replica', () => {
  let logs: ReturnType<typeof captureLogs> | undefined
  afterEach(() => logs?.stop())

  it('sends ORM reads to the replica while it is current, and writes to the primary', async () => {
    const snapshot = await router.refresh()
    expect(snapshot.replica).toMatchObject({ healthy: true, lag_seconds: 0, consecutive_failures: 0 })

    const alias = router.dbForRead()
    expect(alias).toBe('replica')
    const { rows } = await getConnection(alias).execute<{ in_recovery: boolean }>(
      'SELECT pg_is_in_recovery() AS in_recovery',
    )
    expect(rows[0]?.in_recovery).toBe(true)

    expect(await readArticles()).toEqual({ titles: ['first'], aliases: ['replica'] })
    expect(router.dbForWrite()).toBe('default')
    expect(router.allowMigrate('default', 'routing')).toBe(true)
    expect(router.allowMigrate('replica', 'routing')).toBe(false)
  })

  it('keeps reading from the replica when the primary is idle, although the last replayed commit ages', async () => {
    await sleep(MAX_LAG_SECONDS * 1000 + 500)
    // the seed's measure alone would call this replica more than a second behind...
    expect(await replayAge()).toBeGreaterThan(MAX_LAG_SECONDS)
    // ...but it has replayed everything it received while streaming: it is current
    const snapshot = await router.refresh()
    expect(snapshot.replica).toMatchObject({ healthy: true, lag_seconds: 0 })
    expect((await readArticles()).aliases).toEqual(['replica'])
  })

  it('deflects reads to the primary while replay is paused, then returns to the replica', async () => {
    const replicaUrl = (replica as PgReplica).url
    const primaryUrl = (primary as PgCluster).url
    logs = captureLogs({ 'dorm.contrib.lag_router': 'INFO' })
    const events: StampedDormEvent[] = []
    const unsubscribe = onDormEvent((event) => events.push(event))
    try {
      await sql(replicaUrl, 'SELECT pg_wal_replay_pause()')
      await waitUntil('replay to pause', async () => {
        const row = await sql<{ state: string }>(replicaUrl, 'SELECT pg_get_wal_replay_pause_state() AS state')
        return row.state === 'paused'
      })
      await createArticle('written-while-paused')
      const { lsn } = await sql<{ lsn: string }>(primaryUrl, 'SELECT pg_current_wal_insert_lsn()::text AS lsn')
      // the replica receives the write but does not apply it
      await waitUntil('the replica to receive the write', async () => {
        const row = await sql<{ received: boolean }>(
          replicaUrl,
          'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), $1::pg_lsn) >= 0 AS received',
          [lsn],
        )
        return row.received
      })
      await waitUntil('the replica to fall more than maxLagSeconds behind', async () => {
        return (await replayAge()) > MAX_LAG_SECONDS + 0.2
      })

      const snapshot = await router.refresh()
      expect(snapshot.replica?.healthy).toBe(false)
      expect(snapshot.replica?.lag_seconds).toBeGreaterThan(MAX_LAG_SECONDS)

      for (let i = 0; i < 3; i++) {
        expect(await readArticles()).toEqual({ titles: ['first', 'written-while-paused'], aliases: ['default'] })
      }
      // the replica really is behind: it does not have the row yet
      const onReplica = await sql<{ n: number }>(replicaUrl, 'SELECT COUNT(*)::int AS n FROM routing_article')
      expect(onReplica.n).toBe(1)

      const warnings = logs.records.filter((r) => r.level === 'WARNING')
      expect(warnings).toHaveLength(1)
      expect(warnings[0]?.logger).toBe('dorm.contrib.lag_router')
      expect(warnings[0]?.message).toMatch(
        /^lag_router: every replica is over the lag threshold \(replica: \d+\.\ds\); deflecting reads to primary 'default'$/,
      )
      const deflections = events.filter((e) => e.type === 'replica_deflection')
      expect(deflections).toHaveLength(1)
      expect(deflections[0]).toMatchObject({ type: 'replica_deflection', primary: 'default', max_lag_seconds: 1 })
      const lag = (deflections[0] as { lag_seconds: Record<string, number | null> }).lag_seconds.replica
      expect(lag).toBeGreaterThan(MAX_LAG_SECONDS)

      await sql(replicaUrl, 'SELECT pg_wal_replay_resume()')
      await (replica as PgReplica).waitForCatchUp(primary as PgCluster)
      expect((await router.refresh()).replica).toMatchObject({ healthy: true, lag_seconds: 0 })
      expect(await readArticles()).toEqual({ titles: ['first', 'written-while-paused'], aliases: ['replica'] })
      expect(logs.records.filter((r) => r.level === 'INFO').map((r) => r.message)).toEqual([
        'lag_router: replica back within 1s of the primary; reads go to replicas again',
      ])
      expect(logs.records.filter((r) => r.level === 'WARNING')).toHaveLength(1)
      expect(events.filter((e) => e.type === 'replica_deflection')).toHaveLength(1)
    } finally {
      unsubscribe()
      await sql(replicaUrl, 'SELECT pg_wal_replay_resume()')
    }
  })

  it('reads its own writes from the primary: the sticky pin comes before the router', async () => {
    await router.refresh()
    await readAfterWriteScope(async () => {
      await Article.objects.create({ title: 'pinned' })
      expect((await readArticles()).aliases).toEqual(['default'])
    })
    expect((await readArticles()).aliases).toEqual(['replica'])
  })
})

describe('LagAwareReadRouter probes', () => {
  it('counts an unreachable replica as unhealthy and a non-PostgreSQL alias as current', async () => {
    const closedPort = await getFreePort()
    const probing = new LagAwareReadRouter({ replicas: ['replica', 'gone', 'local'], maxLagSeconds: MAX_LAG_SECONDS })
    configure({
      DATABASES: {
        default: (primary as PgCluster).url,
        replica: (replica as PgReplica).url,
        gone: `postgres://postgres@127.0.0.1:${closedPort}/postgres`,
        local: 'sqlite://',
      },
      DATABASE_ROUTERS: [probing],
    })
    try {
      const snapshot = await probing.refresh()
      expect(snapshot.replica).toMatchObject({ healthy: true, lag_seconds: 0 })
      expect(snapshot.gone).toMatchObject({ healthy: false, lag_seconds: Infinity, consecutive_failures: 1 })
      expect(snapshot.local).toMatchObject({ healthy: true, lag_seconds: 0 })
      const chosen = new Set(Array.from({ length: 40 }, () => probing.dbForRead()))
      expect([...chosen].sort()).toEqual(['local', 'replica'])
    } finally {
      probing.close()
      configure({
        DATABASES: { default: (primary as PgCluster).url, replica: (replica as PgReplica).url },
        DATABASE_ROUTERS: [router],
      })
    }
  })
})
