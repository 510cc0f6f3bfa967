/**
 * A per-process circuit breaker: CLOSED -> OPEN after `failureThreshold` consecutive failures ->
 * HALF_OPEN once `openWindowS` has passed (checked lazily, when the breaker is next used or read)
 * -> CLOSED when the single probe call succeeds, or OPEN again (with a fresh window) when it fails.
 */
import { performance } from 'node:perf_hooks'
import { emitDormEvent } from '../../db/events.js'
import { CircuitOpenError, ProgrammingError } from '../../errors.js'

/** The states of a breaker. */
export type CircuitState = 'closed' | 'open' | 'half_open'

/**
 * Options of {@link CircuitBreaker}.
 *
 * @example
 * ```ts
 * const options: CircuitBreakerOptions = {
 *   failureThreshold: 3,
 *   openWindowS: 10,
 *   isFailure: (err) => err instanceof OperationalError || err instanceof PoolTimeout,
 * }
 * ```
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (integer >= 1). Default 5. */
  failureThreshold?: number
  /** Seconds the circuit stays open before one probe is let through (> 0). Default 30. */
  openWindowS?: number
  /**
   * The time in milliseconds (tests inject a fake one). Default: a monotonic clock in epoch
   * milliseconds (`performance.timeOrigin + performance.now()`), so `opened_at` reads as a date.
   */
  clock?: () => number
  /** Which errors count as failures. Default: every error. An error it rejects counts as a success. */
  isFailure?: (error: unknown) => boolean
}

const monotonicEpochMs = (): number => performance.timeOrigin + performance.now()

function plural(n: number): string {
  return `${n} consecutive failure${n === 1 ? '' : 's'}`
}

/**
 * One circuit breaker. Most code gets the shared instance of a name with `circuitBreaker(name)`;
 * constructing one directly gives a private breaker.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker('reports', { failureThreshold: 3, openWindowS: 10 })
 * try {
 *   return await breaker.run(() => Report.objects.count())
 * } catch (err) {
 *   if (err instanceof CircuitOpenError) return cachedCount
 *   throw err
 * }
 * ```
 */
export class CircuitBreaker {
  readonly name: string
  readonly failureThreshold: number
  readonly openWindowS: number
  readonly #clock: () => number
  readonly #isFailure: (error: unknown) => boolean
  #state: CircuitState = 'closed'
  #failures = 0
  #openedAt: number | null = null
  /** The running half-open probe call, if any. */
  #probe: object | null = null
  /** Bumped on every state change: outcomes of calls admitted before it are stale and ignored. */
  #generation = 0

  constructor(name: string, options: CircuitBreakerOptions = {}) {
    if (typeof name !== 'string' || name === '') {
      throw new ProgrammingError(`A circuit breaker needs a name (a non-empty string), got ${String(name)}.`)
    }
    const { failureThreshold = 5, openWindowS = 30, clock = monotonicEpochMs, isFailure = () => true } = options
    if (typeof failureThreshold !== 'number' || !Number.isInteger(failureThreshold) || failureThreshold < 1) {
      throw new ProgrammingError(
        `Circuit breaker '${name}': failureThreshold must be an integer >= 1, got ${String(failureThreshold)}. ` +
          'It is the number of consecutive failures that opens the circuit.',
      )
    }
    if (typeof openWindowS !== 'number' || !Number.isFinite(openWindowS) || openWindowS <= 0) {
      throw new ProgrammingError(
        `Circuit breaker '${name}': openWindowS must be a number of seconds > 0, got ${String(openWindowS)}. ` +
          'It is how long the circuit stays open before a probe call is let through.',
      )
    }
    if (typeof clock !== 'function' || typeof isFailure !== 'function') {
      throw new ProgrammingError(`Circuit breaker '${name}': clock and isFailure must be functions when given.`)
    }
    this.name = name
    this.failureThreshold = failureThreshold
    this.openWindowS = openWindowS
    this.#clock = clock
    this.#isFailure = isFailure
  }

  /** The current state; an OPEN circuit whose window has passed reads (and becomes) `'half_open'`. */
  get state(): CircuitState {
    this.#promote()
    return this.#state
  }

  /** Consecutive failures counted so far (0 after a success or a reset). */
  get failures(): number {
    return this.#failures
  }

  /** Clock time (ms) the circuit last opened, or null when it is closed. */
  get openedAt(): number | null {
    return this.#state === 'closed' ? null : this.#openedAt
  }

  /**
   * Runs `fn` if the circuit lets it through and records the outcome; rejects with
   * `CircuitOpenError` (without calling `fn` and without counting a failure) when OPEN, or when
   * HALF_OPEN and the probe call is still running.
   */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const probe = this.#admit()
    const generation = this.#generation
    try {
      const result = await fn()
      this.#settle(generation, false)
      return result
    } catch (err) {
      this.#settle(generation, this.#countsAsFailure(err))
      throw err
    } finally {
      if (probe !== null && this.#probe === probe) this.#probe = null
    }
  }

  /** Closes the circuit and forgets the failures. */
  reset(): void {
    this.#probe = null
    this.#failures = 0
    this.#openedAt = null
    this.#transition('closed')
  }

  #countsAsFailure(err: unknown): boolean {
    try {
      return this.#isFailure(err) !== false
    } catch {
      return true
    }
  }

  /** Lets the call through (returning its probe token when it is the half-open probe) or throws CircuitOpenError. */
  #admit(): object | null {
    this.#promote()
    if (this.#state === 'closed') return null
    if (this.#state === 'half_open' && this.#probe === null) {
      this.#probe = {}
      return this.#probe
    }
    if (this.#state === 'half_open') {
      throw new CircuitOpenError(
        `Circuit '${this.name}' is HALF_OPEN — a probe call is in flight after ${plural(this.#failures)}; ` +
          'other calls fail fast until it finishes. Serve a fallback and retry shortly.',
        { breaker: this.name, failures: this.#failures, retryInMs: 0 },
      )
    }
    const remainingMs = Math.max(0, (this.#openedAt ?? 0) + this.openWindowS * 1000 - this.#clock())
    throw new CircuitOpenError(
      `Circuit '${this.name}' is OPEN — ${plural(this.#failures)}, cooldown ends in ${(remainingMs / 1000).toFixed(1)}s. ` +
        'Calls fail fast until then: serve a fallback (a cache, a default) and retry later.',
      { breaker: this.name, failures: this.#failures, retryInMs: remainingMs },
    )
  }

  #settle(generation: number, failed: boolean): void {
    // a call admitted before the circuit changed state says nothing about the dependency now
    if (generation !== this.#generation) return
    if (!failed) {
      this.#failures = 0
      this.#openedAt = null
      this.#transition('closed')
      return
    }
    this.#failures++
    if (this.#state === 'half_open' || this.#failures >= this.failureThreshold) {
      this.#openedAt = this.#clock()
      // a failed probe opens the circuit again, with a fresh window
      this.#transition('open')
    }
  }

  #promote(): void {
    if (this.#state !== 'open' || this.#openedAt === null) return
    if (this.#clock() - this.#openedAt >= this.openWindowS * 1000) this.#transition('half_open')
  }

  #transition(to: CircuitState): void {
    const from = this.#state
    if (from === to) return
    this.#state = to
    this.#generation++
    emitDormEvent({ type: 'breaker_change', name: this.name, from, to, failures: this.#failures })
  }
}
