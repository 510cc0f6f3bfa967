/**
 * What the lag router knows about one replica: the last measured lag and when it was measured, the
 * consecutive unhealthy probes and the breaker they open. Pure bookkeeping on a monotonic clock in
 * milliseconds; the probing itself lives in `lag-monitor.ts`.
 */

/** One replica in `LagAwareReadRouter.snapshot()`. Keys are snake_case: the snapshot goes to JSON. */
export interface ReplicaStatus {
  /** Last measured lag in seconds; `Infinity` when unknown (never measured, or the probe failed). */
  lag_seconds: number
  /** Whether reads may go to this replica now. */
  healthy: boolean
  /** Wall-clock time of the last probe (ISO 8601), null before the first one. */
  checked_at: string | null
  /** Unhealthy probes in a row (lag over the threshold, or unreachable). */
  consecutive_failures: number
  /** True while the replica is skipped without probing, after `failureThreshold` unhealthy probes. */
  breaker_open: boolean
}

/** The thresholds a {@link ReplicaHealth} applies. */
export interface ReplicaHealthLimits {
  maxLagSeconds: number
  cacheSeconds: number
  failureThreshold: number
  cooldownSeconds: number
}

/**
 * Health bookkeeping of one replica.
 *
 * @example
 * ```ts
 * const health = new ReplicaHealth('replica', { maxLagSeconds: 2, cacheSeconds: 5, failureThreshold: 3, cooldownSeconds: 30 })
 * health.record(0.4, null, performance.now())
 * health.isHealthy(performance.now()) // true
 * ```
 */
export class ReplicaHealth {
  readonly alias: string
  readonly #limits: ReplicaHealthLimits
  /** undefined: never measured; null: the last probe failed. */
  #lag: number | null | undefined
  #error: string | null = null
  #checkedAt: number | undefined
  #checkedAtWall: string | null = null
  #failures = 0
  #breakerUntil: number | undefined

  constructor(alias: string, limits: ReplicaHealthLimits) {
    this.alias = alias
    this.#limits = limits
  }

  /** Whether at least one probe finished since construction or the last `reset()`. */
  get measured(): boolean {
    return this.#lag !== undefined
  }

  /** The last measured lag: a number of seconds, null when unreachable, undefined before the first probe. */
  get lag(): number | null | undefined {
    return this.#lag
  }

  /** The error of the last probe, when it failed. */
  get error(): string | null {
    return this.#error
  }

  /** Whether the replica is being skipped without probing. */
  breakerOpen(now: number): boolean {
    return this.#breakerUntil !== undefined && now < this.#breakerUntil
  }

  /** Seconds until the breaker closes (0 when it is closed). */
  cooldownLeft(now: number): number {
    return this.breakerOpen(now) ? ((this.#breakerUntil as number) - now) / 1000 : 0
  }

  /** Whether reads may go to the replica: measured, within the lag threshold, breaker closed. */
  isHealthy(now: number): boolean {
    return typeof this.#lag === 'number' && this.#lag <= this.#limits.maxLagSeconds && !this.breakerOpen(now)
  }

  /** Whether a probe is due: never measured or older than `cacheSeconds`, and the breaker is closed. */
  isStale(now: number): boolean {
    if (this.breakerOpen(now)) return false
    return this.#checkedAt === undefined || now - this.#checkedAt >= this.#limits.cacheSeconds * 1000
  }

  /** Records a finished probe: `lag` in seconds, or null with the `error` that made it fail. */
  record(lag: number | null, error: string | null, now: number): void {
    this.#lag = lag
    this.#error = lag === null ? error : null
    this.#checkedAt = now
    this.#checkedAtWall = new Date().toISOString()
    if (lag !== null && lag <= this.#limits.maxLagSeconds) {
      this.#failures = 0
      this.#breakerUntil = undefined
      return
    }
    this.#failures += 1
    if (this.#failures >= this.#limits.failureThreshold && this.#limits.cooldownSeconds > 0) {
      this.#breakerUntil = now + this.#limits.cooldownSeconds * 1000
    }
  }

  /** Forgets every measurement and closes the breaker. */
  reset(): void {
    this.#lag = undefined
    this.#error = null
    this.#checkedAt = undefined
    this.#checkedAtWall = null
    this.#failures = 0
    this.#breakerUntil = undefined
  }

  /** `4.2s`, `unreachable`, `not measured yet`, plus the breaker's cooldown when it is open. */
  describe(now: number): string {
    const lag = this.#lag
    const base = lag === undefined ? 'not measured yet' : lag === null ? 'unreachable' : `${lag.toFixed(1)}s`
    if (!this.breakerOpen(now)) return base
    return `${base}, skipped for ${this.cooldownLeft(now).toFixed(1)}s after ${this.#failures} unhealthy probes`
  }

  /** The snapshot entry of this replica. */
  status(now: number): ReplicaStatus {
    return {
      lag_seconds: typeof this.#lag === 'number' ? this.#lag : Number.POSITIVE_INFINITY,
      healthy: this.isHealthy(now),
      checked_at: this.#checkedAtWall,
      consecutive_failures: this.#failures,
      breaker_open: this.breakerOpen(now),
    }
  }
}
