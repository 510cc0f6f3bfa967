/** W5: 10k rows × 10 mixed columns, as objects/instances, as dorm values(), and through a cursor. */
import type { Backend } from '../contenders/contender.js'
import { call, type Workload } from './workload.js'

const ROWS = 10_000

/**
 * W5: the contender's natural objects (model instances for ORMs).
 *
 * @example
 * ```ts
 * const w = largeFetch('postgresql')
 * ```
 */
export function largeFetch(backend: Backend): Workload {
  return {
    id: 'W5',
    backend,
    title: `large fetch: ${ROWS / 1000}k rows × 10 columns (objects / instances)`,
    method: 'fetchMany',
    concurrency: 1,
    opsPerRound: 4,
    itemsPerOp: ROWS,
    measureHeap: true,
    run: (c) => call(c, 'fetchMany')(ROWS),
    verify: (c) => call(c, 'fetchMany')(ROWS),
  }
}

/**
 * W5v: plain rows (dorm `values()`), against the raw drivers' rows.
 *
 * @example
 * ```ts
 * const w = largeFetchValues('postgresql')
 * ```
 */
export function largeFetchValues(backend: Backend): Workload {
  return {
    id: 'W5v',
    backend,
    title: `large fetch: ${ROWS / 1000}k rows as plain objects (dorm values())`,
    method: 'fetchMany',
    only: ['pg', 'pg-named', 'dorm-5', 'dorm-0', 'dorm-off', 'better-sqlite3', 'dorm-sqlite', 'dorm-libsql'],
    concurrency: 1,
    opsPerRound: 4,
    itemsPerOp: ROWS,
    measureHeap: true,
    run: (c) => (c.fetchValues ?? call(c, 'fetchMany'))(ROWS),
    // dorm's values('user') names the foreign key by its field: compare it as user_id
    verify: async (c) =>
      ((await (c.fetchValues ?? call(c, 'fetchMany'))(ROWS)) as Array<Record<string, unknown>>).map((row) => {
        if (!('user' in row)) return row
        const { user, ...rest } = row
        return { ...rest, user_id: user }
      }),
  }
}

/**
 * W5i: the same rows through a server-side cursor, chunks of 2000 (PostgreSQL).
 *
 * @example
 * ```ts
 * const w = largeFetchCursor()
 * ```
 */
export function largeFetchCursor(): Workload {
  return {
    id: 'W5i',
    backend: 'postgresql',
    title: `large fetch: ${ROWS / 1000}k rows through a cursor (chunks of 2000)`,
    method: 'fetchIterate',
    concurrency: 1,
    opsPerRound: 4,
    itemsPerOp: ROWS,
    measureHeap: true,
    run: (c) => call(c, 'fetchIterate')(ROWS),
    verify: (c) => call(c, 'fetchIterate')(ROWS),
  }
}
