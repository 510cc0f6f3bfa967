/** W1: point read by primary key, one at a time, random ids. */
import type { Backend } from '../contenders/contender.js'
import { call, type Workload } from './workload.js'

/**
 * W1 on one backend.
 *
 * @example
 * ```ts
 * const w = pointRead('postgresql')
 * ```
 */
export function pointRead(backend: Backend): Workload {
  return {
    id: 'W1',
    backend,
    title: 'point read by PK, serial',
    method: 'pointRead',
    concurrency: 1,
    opsPerRound: backend === 'sqlite' ? 10_000 : 1000,
    run: (c, ctx) => call(c, 'pointRead')(ctx.randomInt(ctx.users)),
    verify: async (c, ctx) => {
      const rows = []
      for (const id of [7, Math.floor(ctx.users / 2), 99]) rows.push(await call(c, 'pointRead')(id))
      return rows
    },
  }
}
