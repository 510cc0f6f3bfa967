/** W12: CPU only, no database: compile a moderately complex query; hydrate 10k fetched rows. */
import { call, type Workload } from './workload.js'

const HYDRATE_ROWS = 10_000

/**
 * W12 (PostgreSQL dialect): build + compile a query with an OR filter, a join, an order and a limit
 * (a shape already in dorm's compile cache, new values every time).
 *
 * @example
 * ```ts
 * const w = compileQuery()
 * ```
 */
export function compileQuery(): Workload {
  return {
    id: 'W12',
    backend: 'postgresql',
    title: 'compile: OR filter + join + order + limit (no I/O)',
    method: 'compileQuery',
    concurrency: 1,
    opsPerRound: 20_000,
    cpuOnly: true,
    run: (c, _ctx, _p, i) => call(c, 'compileQuery')(i),
  }
}

/**
 * W12h: turn 10k pre-fetched raw rows (10 columns) into model instances.
 *
 * @example
 * ```ts
 * const w = hydrateRows()
 * ```
 */
export function hydrateRows(): Workload {
  return {
    id: 'W12h',
    backend: 'postgresql',
    title: `hydrate ${HYDRATE_ROWS / 1000}k pre-fetched rows into instances (no I/O)`,
    method: 'hydrate',
    concurrency: 1,
    opsPerRound: 10,
    itemsPerOp: HYDRATE_ROWS,
    cpuOnly: true,
    setup: (c) => call(c, 'prepareHydration')(HYDRATE_ROWS),
    run: (c) => call(c, 'hydrate')(),
  }
}
