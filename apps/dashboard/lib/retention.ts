/**
 * Retention of the dashboard's store: raw slow queries, request summaries, events, health and pool
 * samples and 1-minute rollups are kept 14 days, 1-hour rollups 90 days, 1-day rollups 13 months,
 * ingest batch ids 14 days (a replay older than that is stored again), deployments forever.
 *
 * {@link pruneExpired} deletes what is past its age; the operator CLI runs it (`npm run dashboard --
 * prune`, e.g. from cron), and the ingest path starts it in the background at most once every
 * `DASHBOARD_PRUNE_INTERVAL_S` (default 600 s) per process, the first time that long after the
 * process started (0 turns the automatic runs off).
 *
 * @example
 * ```ts
 * const report = await pruneExpired()
 * console.log(report.deleted) // { slow_queries: 120, ..., rollups_1m: 5400, ... }
 * ```
 */
import { getLogger, ImproperlyConfigured } from '@dorm/engine'
import { ensureDatabase } from './db'
import { EventRecord, HealthSample, IngestBatch, PoolSample, QueryRollup, RequestSample, SlowQuery } from './models'

const DAY_MS = 86_400_000

/** How long each kind of row is kept, in days (1-day rollups: 13 calendar months). */
export const RETENTION_DAYS = {
  raw: 14,
  rollups_1m: 14,
  rollups_1h: 90,
  ingest_batches: 14,
} as const

/** Months 1-day rollups are kept. */
export const DAY_ROLLUP_RETENTION_MONTHS = 13

/** Default `DASHBOARD_PRUNE_INTERVAL_S`. */
export const DEFAULT_PRUNE_INTERVAL_S = 600

/** What a prune deleted, per kind of row (snake_case: the CLI prints it as JSON). */
export interface PruneReport {
  /** The reference time the ages were measured from. */
  now: Date
  deleted: {
    slow_queries: number
    request_samples: number
    events: number
    health_samples: number
    pool_samples: number
    rollups_1m: number
    rollups_1h: number
    rollups_1d: number
    ingest_batches: number
  }
}

const logger = getLogger('dorm.dashboard.retention')

/**
 * The cutoffs for `now`: rows strictly older are deleted.
 *
 * @example
 * ```ts
 * retentionCutoffs(new Date('2025-06-30T00:00:00Z')).rollups1d // 2024-05-30T00:00:00.000Z
 * ```
 */
export function retentionCutoffs(now: Date): {
  raw: Date
  rollups1m: Date
  rollups1h: Date
  rollups1d: Date
  batches: Date
} {
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS)
  const monthsAgo = new Date(now)
  monthsAgo.setUTCMonth(monthsAgo.getUTCMonth() - DAY_ROLLUP_RETENTION_MONTHS)
  return {
    raw: daysAgo(RETENTION_DAYS.raw),
    rollups1m: daysAgo(RETENTION_DAYS.rollups_1m),
    rollups1h: daysAgo(RETENTION_DAYS.rollups_1h),
    rollups1d: monthsAgo,
    batches: daysAgo(RETENTION_DAYS.ingest_batches),
  }
}

/**
 * Deletes every row past its retention (plain DELETEs by time; nothing refers to these rows).
 *
 * @example
 * ```ts
 * await pruneExpired(new Date()) // { now, deleted: { slow_queries: 3, ... } }
 * ```
 */
export async function pruneExpired(now: Date = new Date()): Promise<PruneReport> {
  await ensureDatabase()
  const cut = retentionCutoffs(now)
  const alias = 'default'
  const deleted = {
    slow_queries: await SlowQuery.objects.filter({ at__lt: cut.raw }).rawDelete(alias),
    request_samples: await RequestSample.objects.filter({ at__lt: cut.raw }).rawDelete(alias),
    events: await EventRecord.objects.filter({ at__lt: cut.raw }).rawDelete(alias),
    health_samples: await HealthSample.objects.filter({ at__lt: cut.raw }).rawDelete(alias),
    pool_samples: await PoolSample.objects.filter({ at__lt: cut.raw }).rawDelete(alias),
    rollups_1m: await QueryRollup.objects
      .filter({ resolution: '1m', bucket_start__lt: cut.rollups1m })
      .rawDelete(alias),
    rollups_1h: await QueryRollup.objects
      .filter({ resolution: '1h', bucket_start__lt: cut.rollups1h })
      .rawDelete(alias),
    rollups_1d: await QueryRollup.objects
      .filter({ resolution: '1d', bucket_start__lt: cut.rollups1d })
      .rawDelete(alias),
    ingest_batches: await IngestBatch.objects.filter({ received_at__lt: cut.batches }).rawDelete(alias),
  }
  return { now, deleted }
}

/** `DASHBOARD_PRUNE_INTERVAL_S` in ms (0: automatic pruning off). */
export function pruneIntervalMs(): number {
  const raw = process.env.DASHBOARD_PRUNE_INTERVAL_S?.trim()
  if (raw === undefined || raw === '') return DEFAULT_PRUNE_INTERVAL_S * 1000
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ImproperlyConfigured(
      `DASHBOARD_PRUNE_INTERVAL_S must be a number of seconds >= 0, got '${raw}'. ` +
        `E.g. ${DEFAULT_PRUNE_INTERVAL_S}, or 0 to prune only with the operator CLI.`,
    )
  }
  return seconds * 1000
}

let lastRunAt = Date.now()
let running: Promise<PruneReport | null> | undefined

/**
 * Starts {@link pruneExpired} when the interval has passed since the last run (or since the
 * process started) and none is running; never throws (a failure is logged and retried at the next
 * interval). Returns the run it started, or null.
 *
 * @example
 * ```ts
 * pruneInBackgroundWhenDue() // after storing a batch; not awaited
 * ```
 */
export function pruneInBackgroundWhenDue(nowMs: number = Date.now()): Promise<PruneReport | null> | null {
  let interval: number
  try {
    interval = pruneIntervalMs()
  } catch (err) {
    logger.warning(String((err as Error).message))
    return null
  }
  if (interval === 0 || running !== undefined || nowMs - lastRunAt < interval) return null
  lastRunAt = nowMs
  const run = pruneExpired(new Date(nowMs))
    .then((report) => {
      const total = Object.values(report.deleted).reduce((sum, n) => sum + n, 0)
      if (total > 0) logger.info(`Pruned ${total} expired rows.`, report.deleted)
      return report
    })
    .catch((err: unknown) => {
      logger.warning('Pruning expired rows failed; it runs again at the next interval.', { error: String(err) })
      return null
    })
    .finally(() => {
      running = undefined
    })
  running = run
  return run
}

/**
 * Sets when the automatic prune last ran (tests; a process that just pruned from the CLI).
 *
 * @example
 * ```ts
 * markPrunedAt(Date.now() - 11 * 60_000) // the next ingest batch prunes
 * ```
 */
export function markPrunedAt(ms: number): void {
  lastRunAt = ms
}
