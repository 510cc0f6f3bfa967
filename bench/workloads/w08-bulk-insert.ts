/** W8: 10k rows in one transaction through each contender's bulk API (raw: multi-VALUES of 1000). */
import type { Backend } from '../contenders/contender.js'
import { call, eventRow, type Workload } from './workload.js'

const ROWS = 10_000

/**
 * W8 on one backend.
 *
 * @example
 * ```ts
 * const w = bulkInsert('postgresql')
 * ```
 */
export function bulkInsert(backend: Backend): Workload<ReturnType<typeof eventRow>[]> {
  return {
    id: 'W8',
    backend,
    title: `bulk insert of ${ROWS / 1000}k rows in one transaction`,
    method: 'bulkInsert',
    concurrency: 1,
    opsPerRound: 2,
    itemsPerOp: ROWS,
    writes: true,
    prepare: async (ctx, i) => Array.from({ length: ROWS }, (_, k) => eventRow(i * ROWS + k, ctx.users)),
    run: (c, _ctx, rows) => call(c, 'bulkInsert')(rows),
    verify: async (c, ctx) => {
      await call(c, 'bulkInsert')(Array.from({ length: 10 }, (_, k) => eventRow(k, ctx.users)))
      return 'ok'
    },
  }
}
