/** Every workload of the suite, in report order. */
import type { Backend } from '../contenders/contender.js'
import { pointRead } from './w01-point-read.js'
import { concurrentRead } from './w02-concurrent-read.js'
import { poolCheckout, poolCheckoutSelect1 } from './w03-pool-checkout.js'
import { filteredPage } from './w04-filtered-page.js'
import { largeFetch, largeFetchCursor, largeFetchValues } from './w05-large-fetch.js'
import { relations } from './w06-relations.js'
import { singleInsert } from './w07-insert.js'
import { bulkInsert } from './w08-bulk-insert.js'
import { bulkDelete, bulkUpdate } from './w09-bulk-update-delete.js'
import { lockingTransaction } from './w10-transaction.js'
import { aggregation, filteredCount } from './w11-aggregation.js'
import { compileQuery, hydrateRows } from './w12-cpu.js'
import type { Workload } from './workload.js'

/**
 * The workloads in the order they run and are reported.
 *
 * @example
 * ```ts
 * const sqliteIds = allWorkloads().filter((w) => w.backend === 'sqlite').map((w) => w.id)
 * ```
 */
export function allWorkloads(): Workload<unknown>[] {
  const list = [
    pointRead('postgresql'),
    concurrentRead(),
    poolCheckout(),
    poolCheckoutSelect1(),
    filteredPage('postgresql'),
    largeFetch('postgresql'),
    largeFetchValues('postgresql'),
    largeFetchCursor(),
    relations(),
    singleInsert('postgresql'),
    bulkInsert('postgresql'),
    bulkUpdate(),
    bulkDelete(),
    lockingTransaction(1),
    lockingTransaction(8),
    aggregation(),
    filteredCount(),
    compileQuery(),
    hydrateRows(),
    pointRead('sqlite'),
    filteredPage('sqlite'),
    largeFetch('sqlite'),
    largeFetchValues('sqlite'),
    singleInsert('sqlite'),
    bulkInsert('sqlite'),
  ]
  return list as unknown as Workload<unknown>[]
}

/**
 * One workload by backend and id.
 *
 * @example
 * ```ts
 * const w1 = findWorkload('postgresql', 'W1')
 * ```
 */
export function findWorkload(backend: Backend, id: string): Workload<unknown> {
  const found = allWorkloads().find((w) => w.backend === backend && w.id === id)
  if (!found)
    throw new Error(
      `no workload ${id} on ${backend}; known: ${allWorkloads()
        .map((w) => `${w.backend}/${w.id}`)
        .join(', ')}`,
    )
  return found
}
