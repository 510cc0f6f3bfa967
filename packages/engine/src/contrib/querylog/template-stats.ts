/**
 * Per-template statistics of a query log: how often a template ran, the total time, and the p50 /
 * p95 durations (exact, by the original's rules: see `percentiles.ts`), plus a fixed-bucket
 * histogram so summaries from different logs merge with {@link mergeTemplateStats} (merged
 * percentiles come from the buckets: see `histogram.ts` for their precision).
 *
 * @example
 * ```ts
 * const [top] = summarizeRecords(log.records)
 * top.toDict() // { template: 'SELECT ... WHERE id = ?', count: 6, total_ms: 70, p50_ms: 4, p95_ms: 50 }
 * ```
 */
import { DormError } from '../../errors.js'
import { addHistograms, HISTOGRAM_BOUNDS_MS, histogramOf, histogramRank } from './histogram.js'
import { nearestRankP95, p95Index, roundMs, upperMedian } from './percentiles.js'
import type { QueryRecord } from './query-record.js'
import { queryTemplate, templateFingerprint } from './query-template.js'

/** The JSON-friendly form of a {@link TemplateStats} (ms values to 3 decimals). */
export interface TemplateStatsDict {
  template: string
  count: number
  total_ms: number
  p50_ms: number
  p95_ms: number
}

/** The form dashboards ingest: the dict plus fingerprint, min / max and the bucket counts. */
export interface TemplateRollup extends TemplateStatsDict {
  fingerprint: string
  min_ms: number
  max_ms: number
  /** Counts per bucket of `bucket_bounds_ms` (inclusive upper bounds), the last slot is the overflow. */
  histogram: number[]
  bucket_bounds_ms: readonly number[]
}

/** What a {@link TemplateStats} is built from. */
export interface TemplateStatsInit {
  template: string
  count: number
  total_ms: number
  p50_ms: number
  p95_ms: number
  min_ms: number
  max_ms: number
  histogram: readonly number[]
  /** False when p50 / p95 were read back from the histogram (merged stats). */
  exact: boolean
}

/** Statistics of one template. See the module doc. */
export class TemplateStats {
  readonly template: string
  readonly count: number
  readonly total_ms: number
  readonly p50_ms: number
  readonly p95_ms: number
  // private so equality checks on stats see only the five documented fields
  readonly #minMs: number
  readonly #maxMs: number
  readonly #histogram: readonly number[]
  readonly #exact: boolean

  constructor(init: TemplateStatsInit) {
    this.template = init.template
    this.count = init.count
    this.total_ms = init.total_ms
    this.p50_ms = init.p50_ms
    this.p95_ms = init.p95_ms
    this.#minMs = init.min_ms
    this.#maxMs = init.max_ms
    this.#histogram = Object.freeze([...init.histogram])
    this.#exact = init.exact
  }

  /** 16 hex digits identifying the template across processes. */
  get fingerprint(): string {
    return templateFingerprint(this.template)
  }

  get min_ms(): number {
    return this.#minMs
  }

  get max_ms(): number {
    return this.#maxMs
  }

  /** Counts per bucket of `HISTOGRAM_BOUNDS_MS`; the last slot counts durations above the last bound. */
  get histogram(): readonly number[] {
    return this.#histogram
  }

  /** True when p50 / p95 are exact ranks; false when they were read back from merged buckets. */
  get exact(): boolean {
    return this.#exact
  }

  /**
   * `{ template, count, total_ms, p50_ms, p95_ms }` with the ms values rounded to 3 decimals.
   *
   * @example
   * ```ts
   * log.summary().map((s) => s.toDict())
   * ```
   */
  toDict(): TemplateStatsDict {
    return {
      template: this.template,
      count: this.count,
      total_ms: roundMs(this.total_ms),
      p50_ms: roundMs(this.p50_ms),
      p95_ms: roundMs(this.p95_ms),
    }
  }

  /**
   * The dict plus `fingerprint`, `min_ms`, `max_ms`, `histogram` and `bucket_bounds_ms`, for rollups.
   *
   * @example
   * ```ts
   * await fetch(url, { method: 'POST', body: JSON.stringify(log.summary().map((s) => s.toRollup())) })
   * ```
   */
  toRollup(): TemplateRollup {
    return {
      ...this.toDict(),
      fingerprint: this.fingerprint,
      min_ms: roundMs(this.#minMs),
      max_ms: roundMs(this.#maxMs),
      histogram: [...this.#histogram],
      bucket_bounds_ms: HISTOGRAM_BOUNDS_MS,
    }
  }
}

/**
 * The stats of one template from its durations (in the order they ran).
 *
 * @example
 * ```ts
 * templateStatsOf('UPDATE t SET a = ?', [7]).p95_ms // 7
 * ```
 */
export function templateStatsOf(template: string, durations: readonly number[]): TemplateStats {
  const sorted = [...durations].sort((a, b) => a - b)
  let total = 0
  for (const ms of durations) total += ms
  return new TemplateStats({
    template,
    count: durations.length,
    total_ms: total,
    p50_ms: upperMedian(sorted),
    p95_ms: nearestRankP95(sorted),
    min_ms: sorted[0] ?? 0,
    max_ms: sorted[sorted.length - 1] ?? 0,
    histogram: histogramOf(durations),
    exact: true,
  })
}

/**
 * Groups records by template and returns one {@link TemplateStats} each, by total_ms descending
 * (ties keep first-seen order).
 *
 * @example
 * ```ts
 * summarizeRecords(log.records)[0]?.template
 * ```
 */
export function summarizeRecords(records: Iterable<Pick<QueryRecord, 'sql' | 'elapsed_ms'>>): TemplateStats[] {
  const groups = new Map<string, number[]>()
  for (const record of records) {
    const template = queryTemplate(record.sql)
    const durations = groups.get(template)
    if (durations === undefined) groups.set(template, [record.elapsed_ms])
    else durations.push(record.elapsed_ms)
  }
  const stats = [...groups].map(([template, durations]) => templateStatsOf(template, durations))
  return stats.sort((a, b) => b.total_ms - a.total_ms)
}

/**
 * Adds the stats of one template from two logs: counts, totals and buckets are summed, min / max
 * kept, and p50 / p95 recomputed from the summed buckets with the same ranks as the exact rules
 * (the result has `exact === false`; each percentile is never below the exact one and at most one
 * bucket, 26%, above it).
 *
 * @example
 * ```ts
 * const both = mergeTemplateStats(fromRequestA, fromRequestB)
 * both.count === fromRequestA.count + fromRequestB.count // true
 * ```
 */
export function mergeTemplateStats(a: TemplateStats, b: TemplateStats): TemplateStats {
  if (a.template !== b.template) {
    throw new DormError(
      `mergeTemplateStats() adds stats of one template, got two: '${a.template}' and '${b.template}'. ` +
        'Group by template (or use mergeSummaries()) before merging.',
      { code: 'INVALID_ARGUMENT' },
    )
  }
  if (a.count === 0) return b
  if (b.count === 0) return a
  const count = a.count + b.count
  const histogram = addHistograms(a.histogram, b.histogram)
  const range = { min: Math.min(a.min_ms, b.min_ms), max: Math.max(a.max_ms, b.max_ms) }
  return new TemplateStats({
    template: a.template,
    count,
    total_ms: a.total_ms + b.total_ms,
    p50_ms: histogramRank(histogram, Math.floor(count / 2), range),
    p95_ms: histogramRank(histogram, p95Index(count), range),
    min_ms: range.min,
    max_ms: range.max,
    histogram,
    exact: false,
  })
}

/**
 * Merges two summaries template by template (see {@link mergeTemplateStats}), by total_ms descending.
 *
 * @example
 * ```ts
 * const minute = perRequestSummaries.reduce(mergeSummaries, [])
 * ```
 */
export function mergeSummaries(a: readonly TemplateStats[], b: readonly TemplateStats[]): TemplateStats[] {
  const byTemplate = new Map<string, TemplateStats>()
  for (const stats of [...a, ...b]) {
    const seen = byTemplate.get(stats.template)
    byTemplate.set(stats.template, seen === undefined ? stats : mergeTemplateStats(seen, stats))
  }
  return [...byTemplate.values()].sort((x, y) => y.total_ms - x.total_ms)
}
