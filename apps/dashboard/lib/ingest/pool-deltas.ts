/**
 * Pool reports carry cumulative counters since their process started; the store keeps, per
 * report, the deltas since the same instance's previous report. A restart (another
 * `process_started_at`, or any counter lower than before) makes the delta the counter itself and
 * marks the sample `restarted`. An instance's first report counts everything since its start.
 *
 * @example
 * ```ts
 * const sample = poolSampleFields(item, previous) // previous: the instance's last stored report, or null
 * sample.checkouts // checkouts since `previous`
 * ```
 */
import type { PoolItem } from '@dorm/engine/contrib/telemetry'
import { PoolSample } from '../models'

/** The cumulative counters kept with each sample, for the next delta. */
export interface PoolCumulative {
  checkouts_total: number
  timeouts_total: number
  wait_ms_total: number
  wait_histogram: number[]
}

/** The previous report of an instance. */
export interface PreviousPoolReport {
  processStartedAt: Date
  cumulative: PoolCumulative
}

/** The PoolSample fields computed from a report (without service and instance). */
export interface PoolSampleFields {
  alias: string
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
  wait_histogram: number[]
  restarted: boolean
  cumulative: PoolCumulative
  process_started_at: Date
}

/**
 * The instance name of a batch's sender: `host:pid` (what tells two workers of a service apart).
 *
 * @example
 * ```ts
 * instanceName({ host: 'web-1', pid: 4242 }) // 'web-1:4242'
 * ```
 */
export function instanceName(instance: { host: string; pid: number }): string {
  return `${instance.host}:${instance.pid}`
}

function cumulativeOf(item: PoolItem): PoolCumulative {
  return {
    checkouts_total: item.checkouts_total,
    timeouts_total: item.timeouts_total,
    wait_ms_total: item.wait_ms_total,
    wait_histogram: [...item.wait_histogram],
  }
}

function wentDown(now: PoolCumulative, before: PoolCumulative): boolean {
  if (now.checkouts_total < before.checkouts_total) return true
  if (now.timeouts_total < before.timeouts_total) return true
  if (now.wait_ms_total < before.wait_ms_total) return true
  return now.wait_histogram.some((count, i) => count < (before.wait_histogram[i] ?? 0))
}

/**
 * The sample to store for `item`, with deltas since `previous` (null: the instance's first report).
 *
 * @example
 * ```ts
 * poolSampleFields(item, { processStartedAt: new Date(item.process_started_at), cumulative: last.cumulative })
 * ```
 */
export function poolSampleFields(item: PoolItem, previous: PreviousPoolReport | null): PoolSampleFields {
  const now = cumulativeOf(item)
  const processStartedAt = new Date(item.process_started_at)
  const restarted =
    previous !== null &&
    (previous.processStartedAt.getTime() !== processStartedAt.getTime() || wentDown(now, previous.cumulative))
  const base = previous === null || restarted ? null : previous.cumulative
  return {
    alias: item.alias,
    at: new Date(item.at),
    vendor: item.vendor,
    max: item.max,
    size: item.size,
    in_use: item.in_use,
    idle: item.idle,
    waiting: item.waiting,
    checkouts: now.checkouts_total - (base?.checkouts_total ?? 0),
    timeouts: now.timeouts_total - (base?.timeouts_total ?? 0),
    wait_ms: Math.max(0, now.wait_ms_total - (base?.wait_ms_total ?? 0)),
    wait_histogram: now.wait_histogram.map((count, i) => count - (base?.wait_histogram[i] ?? 0)),
    restarted,
    cumulative: now,
    process_started_at: processStartedAt,
  }
}

/**
 * The PoolSample rows for one batch's pool reports: each alias's reports in time order, the first
 * one compared with the instance's last stored report before it (one query per alias), the next
 * ones with the report before them in the batch.
 *
 * @example
 * ```ts
 * await PoolSample.objects.bulkCreate(await poolSampleRows(serviceId, 'web-1:4242', poolItems))
 * ```
 */
export async function poolSampleRows(
  serviceId: number,
  instance: string,
  items: readonly PoolItem[],
): Promise<Array<PoolSampleFields & { service: number; instance: string }>> {
  const byAlias = new Map<string, PoolItem[]>()
  for (const item of items) {
    const list = byAlias.get(item.alias) ?? []
    list.push(item)
    byAlias.set(item.alias, list)
  }
  const rows: Array<PoolSampleFields & { service: number; instance: string }> = []
  for (const [alias, reports] of byAlias) {
    reports.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    const first = reports[0] as PoolItem
    const stored = await PoolSample.objects
      .filter({ serviceId, alias, instance, at__lt: new Date(first.at) })
      .orderBy('-at', '-id')
      .values('process_started_at', 'cumulative')
      .first()
    let previous: PreviousPoolReport | null =
      stored === null
        ? null
        : { processStartedAt: stored.process_started_at, cumulative: stored.cumulative as PoolCumulative }
    for (const report of reports) {
      const fields = poolSampleFields(report, previous)
      rows.push({ ...fields, service: serviceId, instance })
      previous = { processStartedAt: fields.process_started_at, cumulative: fields.cumulative }
    }
  }
  return rows
}
