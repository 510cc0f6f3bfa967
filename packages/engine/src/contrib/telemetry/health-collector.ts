/**
 * Health items: a deep `healthCheck` of every configured alias whose pool exists (the exporter
 * never opens a pool the app has not used). The probe must never hold up the app's statements, so
 * an alias whose pool is saturated (requests waiting, or every connection in use at
 * MAX_POOL_SIZE) is not probed that interval: its pool item already tells the story, and the
 * dashboard shows the alias stale if that lasts. Probes run as the exporter's own work (not rolled
 * up) with a timeout of at most the interval.
 *
 * @example
 * ```ts
 * const health = new HealthCollector(5000)
 * queue.push(await health.collect())
 * ```
 */
import { databaseAliases } from '../../conf/settings.js'
import { poolStats } from '../../db/connection-registry.js'
import { healthCheck } from '../../db/health.js'
import { poolGaugesOf } from '../../db/pool-observers.js'
import { runInternal } from './telemetry-context.js'
import type { HealthItem } from './telemetry-schema.js'

/** Probes live aliases; see the module doc. */
export class HealthCollector {
  readonly #timeoutMs: number

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs
  }

  /**
   * One health item per live alias whose pool has room. Never rejects.
   *
   * @example
   * ```ts
   * const items = await health.collect()
   * ```
   */
  async collect(): Promise<HealthItem[]> {
    const aliases = databaseAliases().filter((alias) => {
      const gauges = poolGaugesOf(poolStats(alias))
      if (gauges === null) return false
      return gauges.waiting === 0 && (gauges.idle > 0 || gauges.in_use < gauges.max)
    })
    const reports = await Promise.all(
      aliases.map((alias) => runInternal(() => healthCheck({ alias, deep: true, timeoutMs: this.#timeoutMs }))),
    )
    return reports.map((report) => ({
      kind: 'health',
      at: new Date().toISOString(),
      alias: report.alias,
      status: report.status,
      elapsed_ms: report.elapsed_ms,
      error: report.error === undefined ? null : report.error.slice(0, 2000),
    }))
  }
}
