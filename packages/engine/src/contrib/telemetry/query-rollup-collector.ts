/**
 * Query rollups: every statement is counted into the 60-second wall-clock window it ended in,
 * keyed by (alias, route label, template fingerprint), with its count, total and max duration,
 * errors and the fixed log-scale histogram of contrib/querylog (so the dashboard merges windows
 * into hours and days by adding buckets, never by averaging percentiles).
 *
 * `drain()` hands over what was counted since the previous drain and starts afresh: one window may
 * thus arrive in several items (one per exporter interval), each a delta the dashboard adds to the
 * others with the same key, just as it adds the rollups of several instances.
 *
 * The number of keys per drain is capped: past {@link MAX_ROLLUP_KEYS}, further new keys fold into
 * one "other" template of their alias so ad hoc SQL cannot grow memory or the payload.
 *
 * @example
 * ```ts
 * const rollups = new QueryRollupCollector()
 * rollups.record('default', 'GET /articles', telemetryTemplateOf(sql), 3.2, false)
 * queue.push(rollups.drain())
 * ```
 */
import { bucketIndex, emptyHistogram } from '../querylog/histogram.js'
import { templateFingerprint } from '../querylog/query-template.js'
import type { QueryRollupItem } from './telemetry-schema.js'
import type { TelemetryTemplate } from './telemetry-template.js'

/** Length of a rollup window, in seconds. */
export const ROLLUP_WINDOW_S = 60

/** Most distinct (window, alias, route, template) keys kept between two drains. */
export const MAX_ROLLUP_KEYS = 5000

/** Where statements go once {@link MAX_ROLLUP_KEYS} is reached. */
export const OTHER_TEMPLATE: TelemetryTemplate = Object.freeze({
  template: '(other statements: the exporter reached its limit of distinct templates per interval)',
  fingerprint: templateFingerprint('(other)'),
})

interface RollupCell {
  windowStart: number
  alias: string
  route: string | null
  fingerprint: string
  template: string
  count: number
  totalMs: number
  maxMs: number
  errors: number
  histogram: number[]
}

/** Counts statements into windows; see the module doc. */
export class QueryRollupCollector {
  readonly #windowMs = ROLLUP_WINDOW_S * 1000
  #cells = new Map<string, RollupCell>()

  /**
   * Counts one finished statement.
   *
   * @example
   * ```ts
   * rollups.record(q.alias, null, telemetryTemplateOf(q.sql), q.elapsed_ms, q.error !== null)
   * ```
   */
  record(
    alias: string,
    route: string | null,
    statement: TelemetryTemplate,
    elapsedMs: number,
    failed: boolean,
    now = Date.now(),
  ): void {
    const windowStart = now - (now % this.#windowMs)
    let key = `${windowStart}\u0000${alias}\u0000${route ?? ''}\u0000${statement.fingerprint}`
    let cell = this.#cells.get(key)
    if (cell === undefined) {
      let { template, fingerprint } = statement
      if (this.#cells.size >= MAX_ROLLUP_KEYS) {
        ;({ template, fingerprint } = OTHER_TEMPLATE)
        route = null
        key = `${windowStart}\u0000${alias}\u0000\u0000${fingerprint}`
        cell = this.#cells.get(key)
      }
      if (cell === undefined) {
        cell = {
          windowStart,
          alias,
          route,
          fingerprint,
          template,
          count: 0,
          totalMs: 0,
          maxMs: 0,
          errors: 0,
          histogram: emptyHistogram(),
        }
        this.#cells.set(key, cell)
      }
    }
    const ms = Number.isFinite(elapsedMs) && elapsedMs > 0 ? elapsedMs : 0
    cell.count++
    cell.totalMs += ms
    if (ms > cell.maxMs) cell.maxMs = ms
    if (failed) cell.errors++
    const slot = bucketIndex(ms)
    cell.histogram[slot] = (cell.histogram[slot] as number) + 1
  }

  /** Keys counted since the last drain. */
  get size(): number {
    return this.#cells.size
  }

  /**
   * The rollup items counted since the previous drain (oldest window first); starts afresh.
   *
   * @example
   * ```ts
   * for (const item of rollups.drain()) queue.push(item)
   * ```
   */
  drain(): QueryRollupItem[] {
    const cells = [...this.#cells.values()]
    this.#cells = new Map()
    cells.sort((a, b) => a.windowStart - b.windowStart)
    return cells.map((cell) => ({
      kind: 'query_rollup',
      window_start: new Date(cell.windowStart).toISOString(),
      window_s: ROLLUP_WINDOW_S,
      alias: cell.alias,
      route: cell.route,
      fingerprint: cell.fingerprint,
      template: cell.template,
      count: cell.count,
      total_ms: cell.totalMs,
      max_ms: cell.maxMs,
      errors: cell.errors,
      histogram: cell.histogram,
    }))
  }
}
