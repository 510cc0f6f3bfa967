/**
 * SQLite mode's replica: `replica.sqlite3` beside the primary, refreshed from it every
 * `SHOP_REPLICATION_INTERVAL_MS` (default 1000), so reads routed to the replica really are up to
 * one interval behind, as on a streaming replica, and the sticky read-after-write window
 * (READ_AFTER_WRITE_WINDOW) really matters.
 *
 * A refresh runs on the replica alias' own connection. When the primary's files changed since the
 * last copy, it takes a snapshot of the primary (`VACUUM ... INTO`, a read that never blocks the
 * primary's writers), recreates the replica's schema if a migration changed it, and copies every
 * table in one transaction, so a reader of the replica sees one consistent state or the previous
 * one. An idle primary costs two `stat` calls per interval. A copy costs time in proportion to the
 * data: this stands in for streaming replication in a laptop demo, it is not a way to replicate a
 * large database.
 *
 * @example
 * ```ts
 * const replication = startSqliteReplication({ primaryFile: '/data/primary.sqlite3', intervalMs: 1000 })
 * replication.status() // { synced_at: '...', lag_ms: 412, copies: 3, checks: 9, failures: 0, ... }
 * await replication.stop()
 * ```
 */
import { rm, stat } from 'node:fs/promises'
import { atomic, describeError, getConnection, getLogger } from '@dorm/engine'
import { REPLICA } from './settings.js'

const logger = getLogger('shop.replication')
const SOURCE = 'shop_primary'
const SNAPSHOT = 'shop_snapshot'
/** A refresh waits at least this many times the last copy's duration. */
const COPY_BACKOFF = 4

/** What `/healthz` shows of the replication. */
export interface ReplicationStatus {
  /** When the replica was last known to match the primary (a copy, or a check finding no change). */
  synced_at: string | null
  /** Milliseconds since then: how stale replica reads can be. */
  lag_ms: number | null
  /** Refreshes that copied data. */
  copies: number
  /** Refreshes in all (most find nothing new while the shop is idle). */
  checks: number
  failures: number
  last_error: string | null
  /** Duration of the last copy. */
  last_copy_ms: number | null
}

/** A running replication task. */
export interface SqliteReplication {
  /** Refreshes now (also what the timer calls). */
  refresh(): Promise<void>
  status(): ReplicationStatus
  /** Stops the timer and waits for a refresh under way. */
  stop(): Promise<void>
}

interface SchemaRow {
  type: string
  name: string
  sql: string | null
}

async function schemaOf(schema: 'main' | typeof SNAPSHOT): Promise<SchemaRow[]> {
  const { rows } = await getConnection(REPLICA).execute(
    `SELECT type, name, sql FROM ${schema}.sqlite_master WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY type DESC, name`,
  )
  return rows as unknown as SchemaRow[]
}

/**
 * Cheap change detection: a commit on the primary (WAL mode) always writes its -wal file, and a
 * checkpoint rewrites the database file, so an unchanged (size, mtime) of both means nothing new.
 */
async function fingerprintOf(primaryFile: string): Promise<string> {
  const parts = await Promise.all(
    [primaryFile, `${primaryFile}-wal`].map((file) =>
      stat(file).then(
        (s) => `${s.size}@${s.mtimeMs}`,
        () => 'none',
      ),
    ),
  )
  return parts.join('|')
}

/**
 * Copies the primary into the replica. The primary is read through a snapshot (`VACUUM ... INTO`,
 * a plain read that never blocks the primary's writers in WAL mode); only the snapshot is attached
 * while the replica's write transaction runs, since BEGIN IMMEDIATE takes the write lock of every
 * attached database.
 */
async function copyAll(primaryFile: string, snapshotFile: string): Promise<void> {
  const connection = getConnection(REPLICA)
  await rm(snapshotFile, { force: true })
  await connection.execute(`ATTACH DATABASE ? AS ${SOURCE}`, [primaryFile])
  try {
    await connection.execute(`VACUUM ${SOURCE} INTO ?`, [snapshotFile])
  } finally {
    await connection.execute(`DETACH DATABASE ${SOURCE}`)
  }
  await connection.execute(`ATTACH DATABASE ? AS ${SNAPSHOT}`, [snapshotFile])
  try {
    // a copy, not a writer: integrity is the primary's job, and the tables come in name order
    await connection.execute('PRAGMA foreign_keys = OFF')
    await atomic(
      async () => {
        const [mine, theirs] = await Promise.all([schemaOf('main'), schemaOf(SNAPSHOT)])
        if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
          for (const row of mine.filter((r) => r.type === 'table')) {
            await connection.execute(`DROP TABLE main."${row.name}"`)
          }
          // tables first (ORDER BY type DESC), then their indexes; unqualified DDL lands in main
          for (const row of theirs) await connection.execute(row.sql as string)
        }
        for (const row of theirs.filter((r) => r.type === 'table')) {
          await connection.execute(`DELETE FROM main."${row.name}"`)
          await connection.execute(`INSERT INTO main."${row.name}" SELECT * FROM ${SNAPSHOT}."${row.name}"`)
        }
      },
      { using: REPLICA },
    )
  } finally {
    // a replica read must never resolve a table in another file
    await connection.execute(`DETACH DATABASE ${SNAPSHOT}`).catch(() => undefined)
    await rm(snapshotFile, { force: true })
  }
}

/**
 * Starts refreshing the replica from `primaryFile` every `intervalMs` (an unref'd timer; longer
 * when copies get slow, see COPY_BACKOFF).
 *
 * @example
 * ```ts
 * const replication = startSqliteReplication({ primaryFile, intervalMs: 1000 })
 * await replication.refresh() // the first copy before serving
 * ```
 */
export function startSqliteReplication({
  primaryFile,
  intervalMs,
}: {
  primaryFile: string
  intervalMs: number
}): SqliteReplication {
  let running: Promise<void> | undefined
  let copiedFingerprint: string | undefined
  let syncedAt: number | null = null
  let copies = 0
  let checks = 0
  let failures = 0
  let lastError: string | null = null
  let lastCopyMs: number | null = null
  let stopped = false

  const snapshotFile = `${primaryFile}.replica-snapshot`
  const refreshOnce = async (): Promise<void> => {
    const started = Date.now()
    const fingerprint = await fingerprintOf(primaryFile)
    checks += 1
    if (fingerprint !== copiedFingerprint) {
      // a commit landing after the fingerprint is copied now and copied again next time: never missed
      await copyAll(primaryFile, snapshotFile)
      copiedFingerprint = fingerprint
      copies += 1
      lastCopyMs = Date.now() - started
    }
    syncedAt = started
    lastError = null
  }

  const refresh = (): Promise<void> => {
    if (running !== undefined) return running
    running = refreshOnce()
      .catch((err: unknown) => {
        failures += 1
        lastError = describeError(err)
        logger.warning(`replica refresh failed: ${lastError}`, { failures })
      })
      .finally(() => {
        running = undefined
      })
    return running
  }
  // the next refresh waits the interval, or four times the last copy if that is longer: as the data
  // grows, copies take at most a fifth of a core and the lag grows instead (visible on /healthz)
  let timer: NodeJS.Timeout | undefined
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => void refresh().then(schedule), Math.max(intervalMs, (lastCopyMs ?? 0) * COPY_BACKOFF))
    timer.unref()
  }
  schedule()

  return {
    refresh,
    status: () => ({
      synced_at: syncedAt === null ? null : new Date(syncedAt).toISOString(),
      lag_ms: syncedAt === null ? null : Date.now() - syncedAt,
      copies,
      checks,
      failures,
      last_error: lastError,
      last_copy_ms: lastCopyMs,
    }),
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
