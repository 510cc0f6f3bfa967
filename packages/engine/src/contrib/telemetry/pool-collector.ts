/**
 * Pool items: for every configured alias whose pool exists (reading never opens one), the gauges
 * of `poolStats(alias)` (max, size, in use, idle, waiting) and counters fed by a pool observer:
 * checkouts, timeouts, total wait and a wait histogram (the buckets of contrib/querylog). The
 * counters are cumulative since `process_started_at`, the moment this collector began counting; the
 * dashboard turns them into deltas and sees a restart when that moment changes or a counter drops.
 *
 * @example
 * ```ts
 * const pools = new PoolCollector()
 * pools.start()
 * queue.push(pools.collect())
 * pools.stop()
 * ```
 */
import { databaseAliases } from '../../conf/settings.js'
import { poolStats } from '../../db/connection-registry.js'
import { addPoolObserver, poolGaugesOf } from '../../db/pool-observers.js'
import { bucketIndex, emptyHistogram } from '../querylog/histogram.js'
import type { PoolItem } from './telemetry-schema.js'

interface PoolCounters {
  checkouts: number
  timeouts: number
  waitMs: number
  waitHistogram: number[]
}

const VENDORS = new Set(['postgresql', 'sqlite', 'libsql'])

/** Counts pool events per alias and reports pools; see the module doc. */
export class PoolCollector {
  /** When counting began (ISO): the `process_started_at` of every pool item. */
  readonly countingSince = new Date().toISOString()
  readonly #counters = new Map<string, PoolCounters>()
  #remove: (() => void) | null = null

  /**
   * Starts counting checkouts and timeouts.
   *
   * @example
   * ```ts
   * pools.start()
   * ```
   */
  start(): void {
    if (this.#remove !== null) return
    this.#remove = addPoolObserver({
      checkout: ({ alias, wait_ms }) => {
        const counters = this.#countersOf(alias)
        const ms = Number.isFinite(wait_ms) && wait_ms > 0 ? wait_ms : 0
        counters.checkouts++
        counters.waitMs += ms
        const slot = bucketIndex(ms)
        counters.waitHistogram[slot] = (counters.waitHistogram[slot] as number) + 1
      },
      timeout: ({ alias }) => {
        this.#countersOf(alias).timeouts++
      },
    })
  }

  /**
   * Stops counting (the counters are kept for a last `collect()`).
   *
   * @example
   * ```ts
   * pools.stop()
   * ```
   */
  stop(): void {
    this.#remove?.()
    this.#remove = null
  }

  /**
   * One pool item per live alias.
   *
   * @example
   * ```ts
   * pools.collect().map((p) => `${p.alias}: ${p.in_use}/${p.max}, ${p.waiting} waiting`)
   * ```
   */
  collect(now = new Date()): PoolItem[] {
    const at = now.toISOString()
    const items: PoolItem[] = []
    for (const alias of databaseAliases()) {
      const gauges = poolGaugesOf(poolStats(alias))
      if (gauges === null || !VENDORS.has(gauges.vendor)) continue
      const counters = this.#countersOf(alias)
      items.push({
        kind: 'pool',
        at,
        alias,
        vendor: gauges.vendor as PoolItem['vendor'],
        process_started_at: this.countingSince,
        max: gauges.max,
        size: gauges.size,
        in_use: gauges.in_use,
        idle: gauges.idle,
        waiting: gauges.waiting,
        checkouts_total: counters.checkouts,
        timeouts_total: counters.timeouts,
        wait_ms_total: counters.waitMs,
        wait_histogram: [...counters.waitHistogram],
      })
    }
    return items
  }

  #countersOf(alias: string): PoolCounters {
    let counters = this.#counters.get(alias)
    if (counters === undefined) {
      counters = { checkouts: 0, timeouts: 0, waitMs: 0, waitHistogram: emptyHistogram() }
      this.#counters.set(alias, counters)
    }
    return counters
  }
}
