/**
 * What the routes need to know about the running process beyond dorm's settings: where analytics
 * reads go, and the replica's state (SQLite replication or the lag-aware router).
 *
 * @example
 * ```ts
 * const runtime: ShopRuntime = { analyticsAlias: 'replica', replication, lagRouter: undefined, devEndpoints: true }
 * ```
 */
import type { LagAwareReadRouter } from '@dorm/engine/contrib/lag-router'
import type { SqliteReplication } from './replication.js'

/** The running process' database topology. */
export interface ShopRuntime {
  /** The alias analytics reads use (`replica` when there is one, else `default`). */
  analyticsAlias: string
  /** SQLite mode's replication task. */
  replication: SqliteReplication | undefined
  /** PostgreSQL mode's router, when REPLICA_URL is set. */
  lagRouter: LagAwareReadRouter | undefined
  /** Whether dev-only endpoints (`/debug/explain`) are served (not when NODE_ENV=production). */
  devEndpoints: boolean
}
