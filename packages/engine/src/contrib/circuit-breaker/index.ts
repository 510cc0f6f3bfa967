/**
 * `@dorm/engine/contrib/circuit-breaker`: per-process circuit breakers around database calls.
 *
 * @example
 * ```ts
 * import { circuitBreaker, CircuitOpenError, getState } from '@dorm/engine/contrib/circuit-breaker'
 * const breaker = circuitBreaker('default', { failureThreshold: 5, openWindowS: 30 })
 * const count = await breaker.run(() => Author.objects.count()).catch((err) => {
 *   if (err instanceof CircuitOpenError) return null
 *   throw err
 * })
 * getState('default') // { state: 'closed', failures: 0, opened_at: null }
 * ```
 */
export { CircuitOpenError } from '../../errors.js'
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js'
export { type CircuitBreakerSnapshot, circuitBreaker, getState, resetCircuitBreakers } from './registry.js'
