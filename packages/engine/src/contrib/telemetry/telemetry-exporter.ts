/**
 * `startTelemetry()`: pushes this process's database telemetry to the dashboard every `intervalS`
 * seconds: a deep health check and the pool of every alias in use, per-minute query rollups per
 * (alias, route, template), slow queries (template only), request summaries (see
 * `telemetryMiddlewares`) and the events of the core bus. Collection hooks into the query pipeline,
 * the pools and the event bus with counters only; serializing, gzip and HTTP happen on the
 * exporter's own unref'd timer, never on the request path, and nothing it does can throw into the
 * app. `stop()` sends what is left (within `stopTimeoutMs`).
 *
 * One exporter runs per process.
 *
 * @example
 * ```ts
 * import { startTelemetry } from '@dorm/engine/contrib/telemetry'
 * const telemetry = startTelemetry({
 *   endpoint: process.env.DORM_TELEMETRY_ENDPOINT ?? 'http://localhost:3000',
 *   token: process.env.DORM_TELEMETRY_TOKEN ?? '',
 *   service: 'api',
 * })
 * process.on('SIGTERM', async () => {
 *   await telemetry.stop()
 *   process.exit(0)
 * })
 * ```
 */
import { hostname } from 'node:os'
import { addQueryObserver } from '../../db/query-observers.js'
import { ImproperlyConfigured } from '../../errors.js'
import { isSkippedStatement } from '../nplusone/nplusone-template.js'
import { EventCollector } from './event-collector.js'
import { HealthCollector } from './health-collector.js'
import { ItemValidator } from './item-validator.js'
import { PoolCollector } from './pool-collector.js'
import { QueryRollupCollector } from './query-rollup-collector.js'
import { RequestPoolWait } from './request-pool-wait.js'
import { summarizeRequest } from './request-summary.js'
import {
  currentRequestTelemetry,
  isInternal,
  MAX_TEMPLATES_PER_REQUEST,
  type RequestTelemetry,
  routeLabelOf,
} from './telemetry-context.js'
import { setRequestRecorder } from './telemetry-middleware.js'
import { resolveTelemetryOptions, type TelemetryOptions } from './telemetry-options.js'
import type { TelemetryItem } from './telemetry-schema.js'
import { TelemetrySender, type TelemetryStats } from './telemetry-sender.js'
import { telemetryTemplateOf } from './telemetry-template.js'
import { TelemetryWarnings } from './telemetry-warnings.js'

/** What `startTelemetry` returns. */
export interface TelemetryHandle {
  /** Stops collecting, sends what is left (within `stopTimeoutMs`). Never rejects. */
  stop(): Promise<void>
  /** Collects now and tries to send everything queued. Never rejects. */
  flush(): Promise<void>
  /** Items sent, dropped and queued, and failed attempts. */
  stats(): TelemetryStats
}

const INTERNAL = Symbol('internal')
let running: TelemetryHandle | null = null

/**
 * Starts the exporter; throws ImproperlyConfigured on a bad option or when one already runs.
 *
 * @example
 * ```ts
 * const telemetry = startTelemetry({ endpoint: 'https://dashboard.example.com', token, service: 'api', intervalS: 10 })
 * telemetry.stats() // { sent: 0, dropped: 0, queued: 0, failures: 0 }
 * ```
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  const resolved = resolveTelemetryOptions(options)
  if (running !== null) {
    throw new ImproperlyConfigured(
      'startTelemetry: an exporter is already running in this process; call stop() on it first (or keep using it).',
    )
  }
  const warnings = new TelemetryWarnings()
  const validator = new ItemValidator(resolved.validate)
  const sender = new TelemetrySender(
    resolved,
    { service: resolved.service, environment: resolved.environment, instance: { host: hostname(), pid: process.pid } },
    warnings,
  )
  const enqueue = (items: readonly TelemetryItem[]): void => {
    const parts: string[] = []
    for (const item of items) {
      const problem = validator.check(item)
      if (problem === null) {
        parts.push(JSON.stringify(item))
        continue
      }
      sender.queue.countDropped(1)
      warnings.warn(`dropped an item that does not match the payload schema (${problem}); this is a dorm bug`)
    }
    sender.enqueue(parts)
  }
  const rollups = new QueryRollupCollector()
  const pools = new PoolCollector()
  const poolWait = new RequestPoolWait()
  const events = new EventCollector(
    (item) => enqueue([item]),
    (count) => sender.queue.countDropped(count),
  )
  const health = new HealthCollector(Math.min(5000, Math.max(100, resolved.intervalMs)))
  const removeQueryObserver = addQueryObserver<RequestTelemetry | null | typeof INTERNAL>({
    start: () => {
      if (isInternal()) return INTERNAL
      return currentRequestTelemetry() ?? null
    },
    end: (state, query) => {
      if (state === INTERNAL) return
      const statement = telemetryTemplateOf(query.sql)
      const route = state === null ? null : routeLabelOf(state)
      rollups.record(query.alias, route, statement, query.elapsed_ms, query.error !== null)
      if (state === null) return
      state.queryCount++
      state.queryMs += query.elapsed_ms
      if (isSkippedStatement(query.sql)) return
      const seen = state.templates.get(statement.fingerprint)
      if (seen !== undefined) seen.count++
      else if (state.templates.size < MAX_TEMPLATES_PER_REQUEST) {
        state.templates.set(statement.fingerprint, { template: statement.template, count: 1 })
      }
    },
  })
  pools.start()
  poolWait.start()
  events.start()
  setRequestRecorder({
    finish: (state) => {
      const item = summarizeRequest(state, resolved)
      if (item !== null) enqueue([item])
    },
  })

  let stopped = false
  let collecting: Promise<void> | null = null
  const collect = (withHealth: boolean): Promise<void> => {
    if (collecting !== null) return collecting
    const run = async () => {
      const healthItems = withHealth ? await health.collect() : []
      if (stopped && withHealth) return
      events.resetCaps()
      enqueue([...healthItems, ...pools.collect(), ...rollups.drain()])
    }
    collecting = run()
      .catch((err: unknown) => warnings.warn(`collecting failed unexpectedly: ${String(err)}`))
      .finally(() => {
        collecting = null
      })
    return collecting
  }
  const timer = setInterval(() => {
    void collect(true).then(() => (stopped ? undefined : sender.pump()))
  }, resolved.intervalMs)
  timer.unref()

  let stopping: Promise<void> | null = null
  const handle: TelemetryHandle = {
    stats: () => sender.stats(),
    async flush() {
      if (stopped) return
      await collect(true)
      await sender.pump({ force: true })
    },
    stop() {
      stopping ??= (async () => {
        stopped = true
        clearInterval(timer)
        removeQueryObserver()
        pools.stop()
        poolWait.stop()
        events.stop()
        setRequestRecorder(null)
        const deadline = Date.now() + resolved.stopTimeoutMs
        // a POST already under way must not hold stop() past its deadline
        const deadlineTimer = setTimeout(() => sender.close(), resolved.stopTimeoutMs)
        deadlineTimer.unref()
        await collecting
        await collect(false)
        await sender.pump({ force: true, deadline })
        clearTimeout(deadlineTimer)
        sender.close()
        const left = sender.stats().queued
        if (left > 0)
          warnings.warn(`stop(): ${left} item(s) could not be delivered within ${resolved.stopTimeoutMs} ms`)
        if (running === handle) running = null
      })().catch((err: unknown) => warnings.warn(`stop failed unexpectedly: ${String(err)}`))
      return stopping
    },
  }
  running = handle
  return handle
}
