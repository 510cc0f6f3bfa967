/** W7: one `INSERT … RETURNING id`, autocommit. */
import type { Backend } from '../contenders/contender.js'
import { call, eventRow, type Workload } from './workload.js'

/**
 * W7 on one backend.
 *
 * @example
 * ```ts
 * const w = singleInsert('postgresql')
 * ```
 */
export function singleInsert(backend: Backend): Workload {
  return {
    id: 'W7',
    backend,
    title: 'single INSERT … RETURNING id, autocommit',
    method: 'insertOne',
    concurrency: 1,
    opsPerRound: backend === 'sqlite' ? 2000 : 300,
    writes: true,
    run: (c, ctx, _p, i) => call(c, 'insertOne')(eventRow(i, ctx.users)),
    verify: async (c, ctx) => ((await call(c, 'insertOne')(eventRow(1, ctx.users))) == null ? 'no id' : 'id'),
  }
}
