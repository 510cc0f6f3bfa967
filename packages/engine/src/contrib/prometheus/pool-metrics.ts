/**
 * Pool metrics on a prom-client registry: gauges (size, in use, idle, waiting, max) read from
 * `poolStats(alias)` at scrape time for every configured alias that has been used (scraping never
 * opens a pool), and checkout, timeout, wait-time and use-time metrics fed by pool observers.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { databaseAliases } from '../../conf/settings.js'
import { poolStats } from '../../db/connection-registry.js'
import { addPoolObserver, type PoolGauges, poolGaugesOf } from '../../db/pool-observers.js'

/** What {@link startPoolMetrics} needs. */
export interface PoolMetricsOptions {
  registry: Registry
  prefix: string
  /** Histogram buckets (seconds) of the wait and use times. */
  buckets: readonly number[]
}

const GAUGES: readonly [keyof PoolGauges & string, string, string][] = [
  ['size', 'pool_size', 'Connections open (PostgreSQL: or being opened) per alias.'],
  ['in_use', 'pool_in_use', 'Connections checked out per alias.'],
  ['idle', 'pool_idle', 'Open connections nobody holds per alias (pool_available).'],
  ['waiting', 'pool_waiting', 'Checkouts waiting for a connection per alias (requests_waiting).'],
  ['max', 'pool_max', 'MAX_POOL_SIZE per alias (1 for SQLite and libsql).'],
]

function liveGauges(): PoolGauges[] {
  const live: PoolGauges[] = []
  for (const alias of databaseAliases()) {
    const gauges = poolGaugesOf(poolStats(alias))
    if (gauges !== null) live.push(gauges)
  }
  return live
}

/**
 * Registers the pool metrics and starts feeding them; returns their names and the function that
 * stops feeding (the caller removes the names from the registry).
 *
 * @example
 * ```ts
 * const { names, stop } = startPoolMetrics({ registry, prefix: 'dorm_', buckets: [0.001, 0.01, 0.1, 1] })
 * ```
 */
export function startPoolMetrics(options: PoolMetricsOptions): { names: string[]; stop: () => void } {
  const { registry, prefix } = options
  const registers = [registry]
  const buckets = [...options.buckets]
  const checkouts = new Counter({
    name: `${prefix}pool_checkouts_total`,
    help: 'Connections handed out per alias.',
    labelNames: ['alias'],
    registers,
  })
  const timeouts = new Counter({
    name: `${prefix}pool_timeouts_total`,
    help: 'Checkouts that waited POOL_TIMEOUT and failed with PoolTimeout, per alias.',
    labelNames: ['alias'],
    registers,
  })
  const wait = new Histogram({
    name: `${prefix}pool_wait_seconds`,
    help: 'Time a checkout waited for a connection, per alias.',
    labelNames: ['alias'],
    buckets,
    registers,
  })
  const use = new Histogram({
    name: `${prefix}pool_use_seconds`,
    help: 'Time a connection was held between checkout and release, per alias.',
    labelNames: ['alias'],
    buckets,
    registers,
  })
  const gauges = GAUGES.map(
    ([key, suffix, help], index) =>
      new Gauge({
        name: `${prefix}${suffix}`,
        help,
        labelNames: ['alias', 'vendor'],
        registers,
        collect() {
          this.reset()
          for (const pool of liveGauges()) {
            this.set({ alias: pool.alias, vendor: pool.vendor }, pool[key] as number)
            if (index === 0) {
              // every live alias shows its counters from the first scrape, at 0 until something happens
              checkouts.inc({ alias: pool.alias }, 0)
              timeouts.inc({ alias: pool.alias }, 0)
            }
          }
        },
      }),
  )
  const stop = addPoolObserver({
    checkout({ alias, wait_ms }) {
      checkouts.inc({ alias })
      wait.observe({ alias }, wait_ms / 1000)
    },
    release: ({ alias, use_ms }) => use.observe({ alias }, use_ms / 1000),
    timeout: ({ alias }) => timeouts.inc({ alias }),
  })
  const names = [checkouts, timeouts, wait, use, ...gauges].map((m) => (m as unknown as { name: string }).name)
  return { names, stop }
}
