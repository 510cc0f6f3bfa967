/**
 * The per-process registry of named circuit breakers: one shared instance per name, so every
 * module that guards the same dependency sees the same state.
 */
import { getLogger } from '../../db/logging.js'
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js'

const logger = getLogger('dorm.contrib.circuit_breaker')
const breakers = new Map<string, CircuitBreaker>()

/** What {@link getState} reports (snake_case: it is meant for health endpoints and JSON). */
export interface CircuitBreakerSnapshot {
  state: CircuitState | 'unknown'
  failures: number
  /** Clock time in ms the circuit opened (epoch ms with the default clock); null when closed or unknown. */
  opened_at: number | null
}

/**
 * The shared breaker of `name`, created with `options` on the first call. Later calls return the
 * same instance and ignore their options; when those differ from the instance's
 * (`failureThreshold`, `openWindowS`) a WARNING on `dorm.contrib.circuit_breaker` says so.
 *
 * @example
 * ```ts
 * import { circuitBreaker, CircuitOpenError } from '@dorm/engine/contrib/circuit-breaker'
 * const breaker = circuitBreaker('default', { failureThreshold: 5, openWindowS: 30 })
 * async function safeCount(): Promise<number | null> {
 *   try {
 *     return await breaker.run(() => Author.objects.count())
 *   } catch (err) {
 *     if (err instanceof CircuitOpenError) return null // serve a cache or a default
 *     throw err
 *   }
 * }
 * ```
 */
export function circuitBreaker(name: string, options: CircuitBreakerOptions = {}): CircuitBreaker {
  const existing = breakers.get(name)
  if (existing === undefined) {
    const created = new CircuitBreaker(name, options)
    breakers.set(name, created)
    return created
  }
  const ignored: string[] = []
  if (options.failureThreshold !== undefined && options.failureThreshold !== existing.failureThreshold) {
    ignored.push(`failureThreshold=${options.failureThreshold} (in use: ${existing.failureThreshold})`)
  }
  if (options.openWindowS !== undefined && options.openWindowS !== existing.openWindowS) {
    ignored.push(`openWindowS=${options.openWindowS} (in use: ${existing.openWindowS})`)
  }
  if (ignored.length > 0) {
    logger.warning(
      `circuitBreaker('${name}') already exists; the options of this call are ignored: ${ignored.join(', ')}. ` +
        'Create each named breaker in one place and import it, or give this one another name.',
      { name },
    )
  }
  return existing
}

/**
 * The state of the breaker `name` as `{ state, failures, opened_at }`, or
 * `{ state: 'unknown', failures: 0, opened_at: null }` when no breaker has that name.
 *
 * @example
 * ```ts
 * getState('default') // { state: 'open', failures: 5, opened_at: 1718000000000 }
 * ```
 */
export function getState(name: string): CircuitBreakerSnapshot {
  const breaker = breakers.get(name)
  if (breaker === undefined) return { state: 'unknown', failures: 0, opened_at: null }
  const state = breaker.state
  return { state, failures: breaker.failures, opened_at: breaker.openedAt }
}

/**
 * Closes every registered breaker and empties the registry: the next `circuitBreaker(name)`
 * creates a new instance with the options it is given (tests, or a reload of the configuration).
 *
 * @example
 * ```ts
 * afterEach(() => resetCircuitBreakers())
 * ```
 */
export function resetCircuitBreakers(): void {
  for (const breaker of breakers.values()) breaker.reset()
  breakers.clear()
}
