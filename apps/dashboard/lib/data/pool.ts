/**
 * The pool page's widgets, from PoolSample (one report per alias and instance, counters already
 * turned into deltas by the ingest) and RequestSample (per-route pool wait).
 *
 * "Available" is `max - in_use`: connections the pool could still hand out. The seed's leading
 * indicator of an undersized pool is available 0 while requests wait, sustained: at least
 * SATURATION_MIN_SAMPLES consecutive reports of one instance, or SATURATION_MIN_MS of them.
 *
 * @example
 * ```ts
 * const series = await poolSeries('production', range)
 * const episodes = await poolSaturation('production', range)
 * ```
 */
import { ensureDatabase } from '../db'
import { PoolSample } from '../models'
import { addHistogramsInto, emptyHistogram, percentileFromHistogram } from '../rollups'
import type { TimeRange } from './time-range'

/** Consecutive saturated reports that make an episode. */
export const SATURATION_MIN_SAMPLES = 3
/** Or this long saturated. */
export const SATURATION_MIN_MS = 60_000
/** An episode still counts as ongoing when its last report is this recent (else the instance went quiet). */
export const ONGOING_WITHIN_MS = 5 * 60_000
/** Points per chart, at most. */
export const MAX_POINTS = 240

/** A PoolSample row as read here. */
export interface PoolRow {
  service__name: string
  alias: string
  instance: string
  at: Date
  vendor: string
  max: number
  size: number
  in_use: number
  idle: number
  waiting: number
  checkouts: number
  timeouts: number
  wait_ms: number
  wait_histogram: unknown
}

/** One point of a pool chart (summed over instances). */
export interface PoolPoint {
  t: number
  size: number
  inUse: number
  idle: number
  available: number
  max: number
  waiting: number
  timeouts: number
}

/** The chart of one (service, alias). */
export interface PoolSeries {
  service: string
  alias: string
  vendor: string
  points: PoolPoint[]
  timeouts: number
  checkouts: number
  waitP50: number | null
  waitP95: number | null
  waitAvg: number | null
}

/** A run of saturated reports of one instance. */
export interface SaturationEpisode {
  service: string
  alias: string
  instance: string
  start: Date
  end: Date
  samples: number
  maxWaiting: number
  /** The instance's latest report is still saturated, and came in the last 5 minutes of the range. */
  ongoing: boolean
}

/**
 * The pool reports of an environment in a range, oldest first.
 *
 * @example
 * ```ts
 * const rows = await poolRows('production', range)
 * ```
 */
export async function poolRows(env: string, range: TimeRange): Promise<PoolRow[]> {
  await ensureDatabase()
  const rows = (await PoolSample.objects
    .filter({ service__environment__name: env, at__gte: range.from, at__lte: range.to } as never)
    .orderBy('at')
    .values(
      'service__name',
      'alias',
      'instance',
      'at',
      'vendor',
      'max',
      'size',
      'in_use',
      'idle',
      'waiting',
      'checkouts',
      'timeouts',
      'wait_ms',
      'wait_histogram',
    )) as unknown as PoolRow[]
  for (const row of rows) {
    row.at = new Date(row.at)
    row.checkouts = Number(row.checkouts)
    row.timeouts = Number(row.timeouts)
  }
  return rows
}

function seriesKey(row: PoolRow): string {
  return `${row.service__name}\u0000${row.alias}`
}

/**
 * One chart per (service, alias): size, in use, idle, available, max and waiting over time (each
 * point sums the last report of every instance in its step), timeouts and checkout-wait
 * percentiles from the merged wait histograms.
 *
 * @example
 * ```ts
 * for (const s of await poolSeries(env, range)) console.log(s.service, s.alias, s.waitP95)
 * ```
 */
export async function poolSeries(env: string, range: TimeRange, rows?: PoolRow[]): Promise<PoolSeries[]> {
  const samples = rows ?? (await poolRows(env, range))
  const step = Math.max(10_000, Math.ceil((range.to.getTime() - range.from.getTime()) / MAX_POINTS))
  const series = new Map<
    string,
    { meta: PoolSeries; steps: Map<number, Map<string, PoolRow>>; hist: number[]; waitMs: number }
  >()
  for (const row of samples) {
    const key = seriesKey(row)
    let entry = series.get(key)
    if (!entry) {
      entry = {
        meta: {
          service: row.service__name,
          alias: row.alias,
          vendor: row.vendor,
          points: [],
          timeouts: 0,
          checkouts: 0,
          waitP50: null,
          waitP95: null,
          waitAvg: null,
        },
        steps: new Map(),
        hist: emptyHistogram(),
        waitMs: 0,
      }
      series.set(key, entry)
    }
    const t = Math.floor(row.at.getTime() / step) * step
    let instances = entry.steps.get(t)
    if (!instances) {
      instances = new Map()
      entry.steps.set(t, instances)
    }
    const previous = instances.get(row.instance)
    // timeouts are deltas: carry the earlier ones of the step into the kept (latest) report
    const carried = previous ? previous.timeouts : 0
    instances.set(row.instance, { ...row, timeouts: row.timeouts + carried })
    entry.meta.timeouts += row.timeouts
    entry.meta.checkouts += row.checkouts
    entry.waitMs += Number(row.wait_ms)
    addHistogramsInto(entry.hist, row.wait_histogram)
  }
  return [...series.values()].map(({ meta, steps, hist, waitMs }) => {
    for (const [t, instances] of [...steps.entries()].sort((a, b) => a[0] - b[0])) {
      const point: PoolPoint = { t, size: 0, inUse: 0, idle: 0, available: 0, max: 0, waiting: 0, timeouts: 0 }
      for (const r of instances.values()) {
        point.size += r.size
        point.inUse += r.in_use
        point.idle += r.idle
        point.max += r.max
        point.waiting += r.waiting
        point.timeouts += r.timeouts
        point.available += Math.max(0, r.max - r.in_use)
      }
      meta.points.push(point)
    }
    meta.waitP50 = percentileFromHistogram(hist, 0.5)
    meta.waitP95 = percentileFromHistogram(hist, 0.95)
    meta.waitAvg = meta.checkouts > 0 ? waitMs / meta.checkouts : null
    return meta
  })
}

/**
 * Whether one report shows the leading indicator: nothing available while requests wait.
 *
 * @example
 * ```ts
 * isSaturated({ max: 2, in_use: 2, waiting: 18 }) // true
 * ```
 */
export function isSaturated(row: { max: number; in_use: number; waiting: number }): boolean {
  return row.max - row.in_use <= 0 && row.waiting > 0
}

/**
 * The sustained saturation episodes in a range (see the module doc), newest first.
 *
 * @example
 * ```ts
 * const episodes = await poolSaturation(env, range)
 * if (episodes.length) showBanner(episodes[0])
 * ```
 */
export async function poolSaturation(env: string, range: TimeRange, rows?: PoolRow[]): Promise<SaturationEpisode[]> {
  const samples = rows ?? (await poolRows(env, range))
  const byInstance = new Map<string, PoolRow[]>()
  for (const row of samples) {
    const key = `${seriesKey(row)}\u0000${row.instance}`
    const list = byInstance.get(key)
    if (list) list.push(row)
    else byInstance.set(key, [row])
  }
  const episodes: SaturationEpisode[] = []
  for (const list of byInstance.values()) {
    let run: PoolRow[] = []
    const close = (ongoing: boolean) => {
      const first = run[0]
      const last = run[run.length - 1]
      if (first && last) {
        const long = last.at.getTime() - first.at.getTime() >= SATURATION_MIN_MS
        if (run.length >= SATURATION_MIN_SAMPLES || long) {
          episodes.push({
            service: first.service__name,
            alias: first.alias,
            instance: first.instance,
            start: first.at,
            end: last.at,
            samples: run.length,
            maxWaiting: Math.max(...run.map((r) => r.waiting)),
            // the instance's last report, and recent enough to speak for now
            ongoing: ongoing && range.to.getTime() - last.at.getTime() <= ONGOING_WITHIN_MS,
          })
        }
      }
      run = []
    }
    for (const row of list) {
      if (isSaturated(row)) run.push(row)
      else close(false)
    }
    close(true)
  }
  return episodes.sort((a, b) => b.end.getTime() - a.end.getTime())
}
