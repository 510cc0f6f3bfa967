/**
 * How far behind its primary a PostgreSQL replica is, in seconds.
 *
 * The seed measures `now() - pg_last_xact_replay_timestamp()`: the age of the last transaction the
 * replica replayed. On an idle primary that age keeps growing although the replica has everything
 * (there is simply nothing new to replay), so an idle system would deflect every read to the
 * primary. This probe also asks whether the replica has replayed all the WAL it received while its
 * WAL receiver is streaming from the primary; then the replica is current and the lag is 0.
 *
 * - not in recovery (the alias points at a primary, or a promoted replica): 0;
 * - streaming and everything received is replayed: 0;
 * - no transaction replayed since the replica started (`pg_last_xact_replay_timestamp()` is NULL): 0;
 * - otherwise the age of the last replayed transaction (never below 0).
 *
 * Aliases of other vendors (SQLite, libsql) have no replication to measure: 0.
 */
import { getConnection } from '../../db/connection-registry.js'

/**
 * The probe's statement. `pg_stat_wal_receiver` shows its `status` only to superusers and members
 * of `pg_read_all_stats`; other roles see the receiver's row with a NULL status, which is taken as
 * streaming (the receiver process exists only while it is connected or connecting).
 */
export const REPLICA_LAG_SQL = `SELECT
  pg_is_in_recovery() AS in_recovery,
  EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))::float8 AS replay_lag,
  COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false) AS replayed_all,
  EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status IS NULL OR status = 'streaming') AS receiver_streaming`

/** One row of {@link REPLICA_LAG_SQL}. */
export interface ReplicaLagRow {
  in_recovery: boolean | null
  replay_lag: number | string | null
  replayed_all: boolean | null
  receiver_streaming: boolean | null
}

/**
 * The lag in seconds a row of {@link REPLICA_LAG_SQL} stands for.
 *
 * @example
 * ```ts
 * lagFromRow({ in_recovery: true, replay_lag: 4.2, replayed_all: false, receiver_streaming: true }) // 4.2
 * lagFromRow({ in_recovery: true, replay_lag: 600, replayed_all: true, receiver_streaming: true }) // 0 (idle primary)
 * ```
 */
export function lagFromRow(row: ReplicaLagRow): number {
  if (row.in_recovery === false) return 0
  if (row.replayed_all === true && row.receiver_streaming === true) return 0
  if (row.replay_lag === null) return 0
  const lag = Number(row.replay_lag)
  if (!Number.isFinite(lag))
    throw new Error(`the lag probe returned a replay lag that is not a number: ${row.replay_lag}`)
  return Math.max(0, lag)
}

/**
 * Measures the lag of `alias` with one statement on a fresh checkout, without retries (a failing
 * replica must be seen failing, not waited for). Rejects when the replica cannot be queried.
 *
 * @example
 * ```ts
 * const seconds = await probeReplicaLag('replica_1') // 0.03
 * ```
 */
export async function probeReplicaLag(alias: string): Promise<number> {
  const connection = getConnection(alias)
  if (connection.vendor !== 'postgresql') return 0
  const { rows } = await connection.executeOnce<ReplicaLagRow>(REPLICA_LAG_SQL)
  const row = rows[0]
  if (row === undefined) throw new Error('the lag probe returned no row')
  return lagFromRow(row)
}
