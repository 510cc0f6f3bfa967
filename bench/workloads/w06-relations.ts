/** W6: 100 users with their posts (prefetch / include / relational query / jsonArrayFrom). */
import { call, type Workload } from './workload.js'

const USERS_PER_OP = 100

/**
 * W6 (PostgreSQL). The statement count per operation comes from pg_stat_statements.
 *
 * @example
 * ```ts
 * const w = relations()
 * ```
 */
export function relations(): Workload {
  return {
    id: 'W6',
    backend: 'postgresql',
    title: `relations: ${USERS_PER_OP} users with their posts`,
    method: 'relations',
    concurrency: 1,
    opsPerRound: 15,
    itemsPerOp: USERS_PER_OP,
    run: (c, ctx) => {
      const start = ctx.randomInt(Math.max(1, ctx.users - USERS_PER_OP * 3))
      return call(c, 'relations')(Array.from({ length: USERS_PER_OP }, (_, k) => start + k * 3))
    },
    verify: async (c) =>
      (await call(c, 'relations')(Array.from({ length: USERS_PER_OP }, (_, k) => 11 + k * 7))).map((u) => ({
        id: u.id,
        name: u.name,
        posts: u.posts.map((p) => ({ id: p.id, title: p.title })),
      })),
  }
}
