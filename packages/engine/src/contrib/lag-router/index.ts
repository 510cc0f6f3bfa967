/**
 * `@dorm/engine/contrib/lag-router`: lag-aware read routing over streaming replicas.
 *
 * @example
 * ```ts
 * import { LagAwareReadRouter } from '@dorm/engine/contrib/lag-router'
 * configure({
 *   DATABASES: { default: PRIMARY_URL, replica: REPLICA_URL },
 *   DATABASE_ROUTERS: [new LagAwareReadRouter({ replicas: ['replica'], maxLagSeconds: 2 })],
 * })
 * ```
 */
export { LagAwareReadRouter } from './lag-aware-router.js'
export { lagFromRow, probeReplicaLag, REPLICA_LAG_SQL, type ReplicaLagRow } from './lag-probe.js'
export type { LagProbe, LagRouterOptions } from './options.js'
export type { ReplicaStatus } from './replica-health.js'
