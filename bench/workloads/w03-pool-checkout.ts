/** W3: pool checkout and release of an idle connection, without and with a `SELECT 1`. */
import { call, type Workload } from './workload.js'

const CONTENDERS = ['pg', 'postgres.js', 'dorm-5', 'dorm-nocheck'] as const

/**
 * W3 (PostgreSQL): checkout + release.
 *
 * @example
 * ```ts
 * const w = poolCheckout()
 * ```
 */
export function poolCheckout(): Workload {
  return {
    id: 'W3',
    backend: 'postgresql',
    title: 'pool checkout + release (idle connection)',
    method: 'checkout',
    concurrency: 1,
    opsPerRound: 20_000,
    only: CONTENDERS,
    run: (c) => call(c, 'checkout')(),
  }
}

/**
 * W3q (PostgreSQL): checkout + `SELECT 1` + release.
 *
 * @example
 * ```ts
 * const w = poolCheckoutSelect1()
 * ```
 */
export function poolCheckoutSelect1(): Workload {
  return {
    id: 'W3q',
    backend: 'postgresql',
    title: 'checkout + SELECT 1 + release',
    method: 'checkoutSelect1',
    concurrency: 1,
    opsPerRound: 1000,
    only: CONTENDERS,
    run: (c) => call(c, 'checkoutSelect1')(),
  }
}
