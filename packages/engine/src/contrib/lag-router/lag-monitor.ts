/**
 * Keeps the lag of every replica fresh without ever making a read wait for it.
 *
 * Routers answer synchronously, and measuring lag is a query, so health is cached per replica and
 * probed in the background: `touch()` (called on every routed read) starts a probe for each
 * replica whose measurement is older than `cacheSeconds`, and while reads keep coming a timer
 * does the same every `cacheSeconds`, so reads seldom see a stale value. Meanwhile the last value
 * is used; before the first probe of a replica finishes it counts as unknown (not healthy).
 *
 * - One probe per replica at a time; a probe slower than `max(cacheSeconds, 1)` seconds counts as
 *   failed (the replica is treated as unreachable rather than trusted on an old measurement).
 * - Probes run outside the caller's async context: they never join the caller's transaction or
 *   pinned connection, nor its query log or query count.
 * - The timer is unref'd (it never keeps the process alive) and stops by itself after a period
 *   without reads; `close()` stops it at once.
 */
import { AsyncResource } from 'node:async_hooks'
import { describeError } from '../../errors.js'
import { probeReplicaLag } from './lag-probe.js'
import type { LagProbe, ResolvedLagRouterOptions } from './options.js'
import { ReplicaHealth, type ReplicaStatus } from './replica-health.js'

/**
 * The async context this module was loaded in (normally the top level, where no transaction,
 * query log or request scope is active). Background probes and the timer run in it.
 */
const detachedScope = new AsyncResource('dorm.lag_router')

/**
 * Probes replicas in the background and answers from the cache.
 *
 * @example
 * ```ts
 * const monitor = new LagMonitor(resolveLagRouterOptions({ replicas: ['replica'] }))
 * monitor.touch()            // starts the probes that are due, returns at once
 * monitor.healthyReplicas()  // [] until the first probe finished
 * await monitor.refreshAll() // probes now
 * ```
 */
export class LagMonitor {
  readonly replicas: ReadonlyMap<string, ReplicaHealth>
  readonly #options: ResolvedLagRouterOptions
  readonly #probe: LagProbe
  readonly #inFlight = new Map<string, Promise<void>>()
  /** Sequence number of the last probe started and of the last one recorded, per replica. */
  readonly #started = new Map<string, number>()
  readonly #recorded = new Map<string, number>()
  /** Bumped by `reset()`: probes started before it are not recorded. */
  #generation = 0
  #timer: NodeJS.Timeout | undefined
  #usedSinceTick = false

  constructor(options: ResolvedLagRouterOptions) {
    this.#options = options
    this.#probe = options.probe ?? probeReplicaLag
    this.replicas = new Map(options.replicas.map((alias) => [alias, new ReplicaHealth(alias, options)]))
  }

  /** Now, on the monotonic clock of the options (ms). */
  now(): number {
    return this.#options.clock()
  }

  /** A read is being routed: starts the due probes and keeps the timer running. Never waits. */
  touch(): void {
    this.#usedSinceTick = true
    if (this.#timer === undefined) detachedScope.runInAsyncScope(() => this.#startTimer())
    this.refreshStale()
  }

  /** Starts a background probe for every replica that is due one and has none running. */
  refreshStale(): void {
    const now = this.now()
    for (const health of this.replicas.values()) {
      if (!health.isStale(now) || this.#inFlight.has(health.alias)) continue
      detachedScope.runInAsyncScope(() => {
        void this.#probeOne(health)
      })
    }
  }

  /**
   * Probes every replica whose breaker is closed now (after any probe already running), and
   * resolves when all are recorded.
   */
  async refreshAll(): Promise<void> {
    const now = this.now()
    const due = [...this.replicas.values()].filter((health) => !health.breakerOpen(now))
    await detachedScope.runInAsyncScope(() =>
      Promise.all(
        due.map(async (health) => {
          await this.#inFlight.get(health.alias)
          await this.#probeOne(health)
        }),
      ),
    )
  }

  /** Aliases of the replicas reads may go to now. */
  healthyReplicas(): string[] {
    const now = this.now()
    return [...this.replicas.values()].filter((health) => health.isHealthy(now)).map((health) => health.alias)
  }

  /** The status of every replica, by alias. */
  statuses(): Record<string, ReplicaStatus> {
    const now = this.now()
    const result: Record<string, ReplicaStatus> = {}
    for (const health of this.replicas.values()) result[health.alias] = health.status(now)
    return result
  }

  /** Forgets every measurement and breaker; probes already running are not recorded. */
  reset(): void {
    this.#generation += 1
    this.#inFlight.clear()
    for (const health of this.replicas.values()) health.reset()
  }

  /** Stops the timer. A later routed read starts it again. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  #startTimer(): void {
    const period = this.#options.cacheSeconds * 1000
    this.#timer = setInterval(() => {
      if (!this.#usedSinceTick) {
        // no read during a whole period: stop probing an idle application
        this.close()
        return
      }
      this.#usedSinceTick = false
      this.refreshStale()
    }, period)
    this.#timer.unref()
  }

  #probeOne(health: ReplicaHealth): Promise<void> {
    const alias = health.alias
    const generation = this.#generation
    const sequence = (this.#started.get(alias) ?? 0) + 1
    this.#started.set(alias, sequence)
    const running = this.#measure(alias).then(({ lag, error }) => {
      if (generation !== this.#generation || sequence <= (this.#recorded.get(alias) ?? 0)) return
      this.#recorded.set(alias, sequence)
      health.record(lag, error, this.now())
    })
    const tracked = running.finally(() => {
      if (this.#inFlight.get(alias) === tracked) this.#inFlight.delete(alias)
    })
    this.#inFlight.set(alias, tracked)
    return tracked
  }

  /** Runs the probe with a timeout; never rejects. */
  async #measure(alias: string): Promise<{ lag: number | null; error: string | null }> {
    const timeoutMs = Math.max(this.#options.cacheSeconds, 1) * 1000
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the lag probe gave no answer within ${timeoutMs / 1000}s`)), timeoutMs)
      timer.unref()
    })
    try {
      // called synchronously (an async wrapper turns a synchronous throw into a rejection)
      const measuring = (async () => this.#probe(alias))()
      const lag = await Promise.race([measuring, timeout])
      if (lag === null) return { lag: null, error: 'the lag probe could not measure the lag' }
      if (typeof lag !== 'number' || Number.isNaN(lag)) {
        return { lag: null, error: `the lag probe returned ${String(lag)} instead of a number of seconds` }
      }
      return { lag: Math.max(0, lag), error: null }
    } catch (err) {
      return { lag: null, error: describeError(err) }
    } finally {
      clearTimeout(timer)
    }
  }
}
