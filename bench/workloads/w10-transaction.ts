/** W10: BEGIN; SELECT … FOR UPDATE; UPDATE; COMMIT, one at a time and 8 at once. */
import { ACCOUNT_ROWS } from '../suite/schema.js'
import { call, type Workload } from './workload.js'

/**
 * W10 (PostgreSQL) at concurrency 1 (`W10`) or 8 (`W10c8`).
 *
 * @example
 * ```ts
 * const w = lockingTransaction(8)
 * ```
 */
export function lockingTransaction(concurrency: 1 | 8): Workload {
  return {
    id: concurrency === 1 ? 'W10' : 'W10c8',
    backend: 'postgresql',
    title: `transaction: SELECT … FOR UPDATE + UPDATE, c=${concurrency}`,
    method: 'transfer',
    concurrency,
    opsPerRound: concurrency === 1 ? 200 : 400,
    writes: true,
    run: (c, ctx) => call(c, 'transfer')(ctx.randomInt(ACCOUNT_ROWS)),
    verify: async (c, ctx) => {
      const before = await ctx.admin('SELECT "balance" FROM "accounts" WHERE "id" = 3')
      await call(c, 'transfer')(3)
      const after = await ctx.admin('SELECT "balance" FROM "accounts" WHERE "id" = 3')
      return Number(after[0]?.balance) - Number(before[0]?.balance)
    },
  }
}
