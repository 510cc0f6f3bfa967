/** W2: point read by primary key with 32 operations in flight on a pool of BENCH_POOL connections. */
import { call, type Workload } from './workload.js'

/**
 * W2 (PostgreSQL).
 *
 * @example
 * ```ts
 * const w = concurrentRead()
 * ```
 */
export function concurrentRead(): Workload {
  return {
    id: 'W2',
    backend: 'postgresql',
    title: 'point read by PK, 32 in flight',
    method: 'pointRead',
    concurrency: 32,
    opsPerRound: 2000,
    run: (c, ctx) => call(c, 'pointRead')(ctx.randomInt(ctx.users)),
  }
}
