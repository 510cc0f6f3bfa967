/**
 * The compose stack's replication, run for real without Docker: the primary's init script against
 * a PostgreSQL 15 cluster set up like the postgres image, the replica's entrypoint cloning it with
 * pg_basebackup -R through the scram-sha-256 line the init script added (a wrong password is
 * refused), the clone started as a hot standby, and the replica's healthcheck: healthy only while
 * the standby streams, unhealthy on the primary and once the primary is gone.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asServerUser, getFreePort, type PgCluster, run } from '../../scripts/pg-cluster.mjs'
import { imageStandIns, reload, runScript, startImageLikePrimary } from './support/replica-harness.js'

const REPLICATION_PASSWORD = 'compose-test-replicator'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

async function query(url: string, sql: string): Promise<unknown[][]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query({ text: sql, rowMode: 'array' })).rows
  } finally {
    await client.end()
  }
}

async function eventually<T>(what: string, probe: () => T | Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000
  let last: T = await probe()
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after 60 s`)
    await new Promise((resolve) => setTimeout(resolve, 250))
    last = await probe()
  }
  return last
}

describe.skipIf(!isRoot)('replication set up by the compose scripts (PostgreSQL 15, no Docker)', () => {
  let primary: PgCluster
  let standIns: ReturnType<typeof imageStandIns>
  let replicaData: string
  let replicaPort: number
  let replicaStarted = false

  const entrypointEnv = (password: string, pgdata: string) => ({
    PATH: standIns.binDir,
    PGDATA: pgdata,
    PRIMARY_HOST: '127.0.0.1',
    PRIMARY_PORT: String(primary.port),
    REPLICATION_PASSWORD: password,
    HOSTNAME: 'db-replica-test',
  })
  const healthcheck = (host: string, port: number) =>
    runScript(
      'scripts/docker/postgres-replica-healthcheck.sh',
      { PGHOST: host, PGPORT: String(port), POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres' },
      primary.binDir,
    )
  const replicaUrl = () => `postgres://postgres@127.0.0.1:${replicaPort}/postgres`

  beforeAll(async () => {
    primary = await startImageLikePrimary()
    standIns = imageStandIns()
    replicaData = join(standIns.dir, 'replica-data')
    replicaPort = await getFreePort()
  })

  afterAll(async () => {
    if (replicaStarted) {
      const [command, args] = asServerUser(primary.binDir, 'pg_ctl', ['-D', replicaData, '-m', 'immediate', 'stop'])
      await run(command, args).catch(() => undefined)
    }
    await primary?.stop()
    if (standIns) rmSync(standIns.dir, { recursive: true, force: true })
  })

  it("the primary's init script creates the replication role, its pg_hba line and the dashboard database", async () => {
    const init = runScript(
      'scripts/docker/postgres-primary-init.sh',
      {
        PGHOST: primary.socketDir,
        PGPORT: String(primary.port),
        PGDATA: primary.dataDir,
        POSTGRES_USER: 'postgres',
        POSTGRES_DB: 'postgres',
        REPLICATION_PASSWORD,
        DASHBOARD_DB: 'dashboard',
      },
      primary.binDir,
    )
    expect(init.stderr).toBe('')
    expect(init.status).toBe(0)
    await reload(primary)
    expect(
      await query(primary.url, "SELECT rolreplication, rolcanlogin FROM pg_roles WHERE rolname = 'replicator'"),
    ).toEqual([[true, true]])
    expect(await query(primary.url, "SELECT count(*)::int FROM pg_database WHERE datname = 'dashboard'")).toEqual([[1]])
    expect(readFileSync(join(primary.dataDir, 'pg_hba.conf'), 'utf8')).toMatch(
      /^host replication replicator all scram-sha-256$/m,
    )
  })

  it('the replica entrypoint refuses to clone with a wrong replication password', () => {
    const refused = runScript(
      'scripts/docker/postgres-replica-entrypoint.sh',
      entrypointEnv('not-the-password', join(standIns.dir, 'refused-data')),
      primary.binDir,
      ['postgres'],
    )
    expect(refused.status).not.toBe(0)
    expect(refused.stderr).toMatch(/password authentication failed for user "replicator"/)
    expect(existsSync(standIns.argsFile)).toBe(false)
  })

  it('the replica entrypoint clones the primary with pg_basebackup -R, then hands over to the image', () => {
    const cloned = runScript(
      'scripts/docker/postgres-replica-entrypoint.sh',
      entrypointEnv(REPLICATION_PASSWORD, replicaData),
      primary.binDir,
      ['postgres', '-c', 'hot_standby=on'],
    )
    expect(cloned.status, cloned.stderr).toBe(0)
    expect(existsSync(join(replicaData, 'standby.signal'))).toBe(true)
    expect(readFileSync(join(replicaData, 'postgresql.auto.conf'), 'utf8')).toMatch(
      /primary_conninfo = '.*user=replicator.*application_name='*db-replica-test/,
    )
    expect(readFileSync(standIns.argsFile, 'utf8').trim()).toBe('postgres -c hot_standby=on')

    // a second start finds the cluster and clones nothing
    const again = runScript(
      'scripts/docker/postgres-replica-entrypoint.sh',
      entrypointEnv('wrong-but-unused', replicaData),
      primary.binDir,
      ['postgres'],
    )
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).not.toMatch(/cloning/)
  })

  it('the healthcheck passes on the streaming standby only, and a write on the primary reaches it', async () => {
    const log = join(standIns.dir, 'replica.log')
    const [command, args] = asServerUser(primary.binDir, 'pg_ctl', [
      '-D',
      replicaData,
      '-w',
      '-t',
      '60',
      '-l',
      log,
      '-o',
      `-p ${replicaPort} -k ${standIns.dir} -c cluster_name=compose-replica -c hot_standby=on`,
      'start',
    ])
    await run(command, args).catch((err: Error) => {
      throw new Error(`${err.message}\n--- replica log ---\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`)
    })
    replicaStarted = true

    const healthy = await eventually(
      'replica healthcheck',
      () => healthcheck(standIns.dir, replicaPort),
      (result) => result.status === 0,
    )
    expect(healthy.stderr).toBe('')

    const onPrimary = healthcheck(primary.socketDir, primary.port)
    expect(onPrimary.status).toBe(1)
    expect(onPrimary.stderr).toMatch(/not streaming \(in_recovery:wal_receiver = false:none\)/)

    await query(primary.url, 'CREATE TABLE compose_probe (id int); INSERT INTO compose_probe VALUES (42)')
    const rows = await eventually(
      'the row on the replica',
      () => query(replicaUrl(), "SELECT to_regclass('compose_probe') IS NOT NULL").then(([row]) => row?.[0]),
      (present) => present === true,
    )
    expect(rows).toBe(true)
    expect(await query(replicaUrl(), 'SELECT id FROM compose_probe')).toEqual([[42]])
  })

  it('the healthcheck fails once the standby loses the primary', async () => {
    await primary.stopServer('fast')
    const unhealthy = await eventually(
      'replica healthcheck without a primary',
      () => healthcheck(standIns.dir, replicaPort),
      (result) => result.status !== 0,
    )
    expect(unhealthy.stderr).toMatch(/not streaming \(in_recovery:wal_receiver = true:/)
  })
})
