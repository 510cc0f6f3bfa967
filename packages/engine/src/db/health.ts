import { performance } from 'node:perf_hooks'
import type { PoolStatsReport } from '../backends/base/base-connection.js'
import { describeError, OperationalError } from '../errors.js'
import { getConnection, poolStats, type UninitialisedPoolStats } from './connection-registry.js'

/** Options of {@link healthCheck}. */
export interface HealthCheckOptions {
  alias?: string
  /** Add the full pool report under `pool`. */
  deep?: boolean
  /** Give up (status error) after this many milliseconds. Default 5000. */
  timeoutMs?: number
}

/** The health report (snake_case: it is served as JSON). */
export interface HealthReport {
  status: 'ok' | 'error'
  alias: string
  elapsed_ms: number
  /** `"<ErrorClass>: <message>"` when status is error. */
  error?: string
  pool?: PoolStatsReport | UninitialisedPoolStats
}

/**
 * Runs `SELECT 1` on the alias and reports; never throws and never rejects, so it can back a
 * readiness probe even while the database is down. It makes one attempt (no transient retry):
 * the probe's own period is the retry, and a probe must answer within its timeout.
 *
 * @example
 * ```ts
 * app.get('/healthz', async (_req, res) => {
 *   const report = await healthCheck({ deep: true, timeoutMs: 2000 })
 *   res.status(report.status === 'ok' ? 200 : 503).json(report)
 * })
 * ```
 */
export async function healthCheck(options: HealthCheckOptions = {}): Promise<HealthReport> {
  const alias = options.alias ?? 'default'
  const timeoutMs = options.timeoutMs ?? 5000
  const start = performance.now()
  let error: string | undefined
  let timer: NodeJS.Timeout | undefined
  try {
    const probe = getConnection(alias).executeOnce('SELECT 1')
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new OperationalError(`health check timed out after ${timeoutMs} ms on alias '${alias}'`)),
        timeoutMs,
      )
    })
    // a probe that loses the race still settles later; keep its rejection from going unhandled
    probe.catch(() => undefined)
    await Promise.race([probe, timeout])
  } catch (err) {
    error = describeError(err)
  } finally {
    clearTimeout(timer)
  }
  const report: HealthReport = {
    status: error === undefined ? 'ok' : 'error',
    alias,
    elapsed_ms: performance.now() - start,
  }
  if (error !== undefined) report.error = error
  if (options.deep) report.pool = poolStats(alias)
  return report
}
