/** W11: GROUP BY with count and sum returning 50 rows, and a filtered count(*). */
import { STATUSES } from '../suite/schema.js'
import { call, type Workload } from './workload.js'

const USERS_PER_OP = 2000

/**
 * W11 (PostgreSQL): 50 categories with count and sum of views over about 10k posts.
 *
 * @example
 * ```ts
 * const w = aggregation()
 * ```
 */
export function aggregation(): Workload {
  return {
    id: 'W11',
    backend: 'postgresql',
    title: 'GROUP BY category: count + sum (50 rows)',
    method: 'aggregate',
    concurrency: 1,
    opsPerRound: 50,
    run: (c, ctx) => {
      const from = ctx.randomInt(Math.max(1, ctx.users - USERS_PER_OP))
      return call(c, 'aggregate')(from, from + USERS_PER_OP - 1)
    },
    verify: (c) => call(c, 'aggregate')(100, 100 + USERS_PER_OP - 1),
  }
}

/**
 * W11c (PostgreSQL): count(*) of one status over a range of users.
 *
 * @example
 * ```ts
 * const w = filteredCount()
 * ```
 */
export function filteredCount(): Workload {
  return {
    id: 'W11c',
    backend: 'postgresql',
    title: 'filtered count(*)',
    method: 'filteredCount',
    concurrency: 1,
    opsPerRound: 150,
    run: (c, ctx) => {
      const from = ctx.randomInt(Math.max(1, ctx.users - USERS_PER_OP))
      return call(c, 'filteredCount')(STATUSES[from % 5] as string, from, from + USERS_PER_OP - 1)
    },
    verify: async (c) => {
      const counts = []
      for (const status of STATUSES) counts.push(await call(c, 'filteredCount')(status, 100, 100 + USERS_PER_OP - 1))
      return counts
    },
  }
}
