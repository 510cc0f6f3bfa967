/** W9: bulk update of 1k rows with distinct values, and bulk delete of 1k rows by id. */
import { ACCOUNT_ROWS } from '../suite/schema.js'
import { call, type Workload } from './workload.js'

const ROWS = 1000

/**
 * W9 (PostgreSQL): 1k accounts, each set to its own balance.
 *
 * @example
 * ```ts
 * const w = bulkUpdate()
 * ```
 */
export function bulkUpdate(): Workload<Array<[number, number]>> {
  return {
    id: 'W9',
    backend: 'postgresql',
    title: `bulk update of ${ROWS / 1000}k rows with distinct values`,
    method: 'bulkUpdate',
    concurrency: 1,
    opsPerRound: 4,
    itemsPerOp: ROWS,
    writes: true,
    prepare: async (ctx, i) => {
      const start = ctx.randomInt(ACCOUNT_ROWS - ROWS)
      return Array.from({ length: ROWS }, (_, k): [number, number] => [start + k, 1000 + ((i + k) % 977)])
    },
    run: (c, _ctx, pairs) => call(c, 'bulkUpdate')(pairs),
    verify: async (c, ctx) => {
      await call(
        c,
        'bulkUpdate',
      )([
        [1, 5],
        [2, 6],
      ])
      return ctx.admin('SELECT "id", "balance" FROM "accounts" WHERE "id" IN (1, 2) ORDER BY "id"')
    },
  }
}

/**
 * W9d (PostgreSQL): delete 1k events by id (the rows are inserted untimed before each operation).
 *
 * @example
 * ```ts
 * const w = bulkDelete()
 * ```
 */
export function bulkDelete(): Workload<number[]> {
  const insert = async (ctx: Parameters<NonNullable<Workload['prepare']>>[0], n: number) =>
    (
      await ctx.admin(
        `INSERT INTO "events" ("user_id", "kind", "amount", "created_at")
         SELECT g, 'scratch', g, now() FROM generate_series(1, ${n}) g RETURNING "id"`,
      )
    ).map((r) => Number(r.id))
  return {
    id: 'W9d',
    backend: 'postgresql',
    title: `bulk delete of ${ROWS / 1000}k rows by id`,
    method: 'bulkDelete',
    concurrency: 1,
    opsPerRound: 4,
    itemsPerOp: ROWS,
    writes: true,
    prepare: (ctx) => insert(ctx, ROWS),
    run: (c, _ctx, ids) => call(c, 'bulkDelete')(ids),
    verify: async (c, ctx) => {
      const ids = await insert(ctx, 3)
      await call(c, 'bulkDelete')(ids)
      return ctx.admin('SELECT count(*)::int AS "n" FROM "events" WHERE "id" = ANY($1)', [ids])
    },
  }
}
