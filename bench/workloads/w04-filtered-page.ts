/** W4: a filtered page, `WHERE status = $1 ORDER BY created_at DESC LIMIT 20`. */
import type { Backend } from '../contenders/contender.js'
import { STATUSES } from '../suite/schema.js'
import { call, type Workload } from './workload.js'

/**
 * W4 on one backend.
 *
 * @example
 * ```ts
 * const w = filteredPage('sqlite')
 * ```
 */
export function filteredPage(backend: Backend): Workload {
  return {
    id: 'W4',
    backend,
    title: 'filtered page of 20 (status, newest first)',
    method: 'page',
    concurrency: 1,
    opsPerRound: backend === 'sqlite' ? 2000 : 500,
    itemsPerOp: 20,
    run: (c, ctx) => call(c, 'page')(STATUSES[ctx.randomInt(STATUSES.length) - 1] as string),
    verify: async (c) => {
      const pages = []
      for (const status of STATUSES) pages.push(await call(c, 'page')(status))
      return pages
    },
  }
}
