import { afterEach, describe, expect, it } from 'vitest'
import { addLogSink, type LogRecord, resetLogging } from '../../db/logging.js'
import { OperationalError } from '../../errors.js'
import { circuitBreaker, getState, resetCircuitBreakers } from './registry.js'

describe('the circuit breaker registry', () => {
  afterEach(() => {
    resetCircuitBreakers()
    resetLogging()
  })

  it('returns one shared instance per name', () => {
    const a = circuitBreaker('default', { failureThreshold: 2 })
    expect(circuitBreaker('default')).toBe(a)
    expect(circuitBreaker('reports')).not.toBe(a)
  })

  it('ignores the options of later calls and warns when they differ', () => {
    const records: LogRecord[] = []
    addLogSink((r) => records.push(r))
    const first = circuitBreaker('default', { failureThreshold: 2, openWindowS: 10 })
    circuitBreaker('default', { failureThreshold: 2, openWindowS: 10 })
    expect(records).toEqual([])
    const later = circuitBreaker('default', { failureThreshold: 9 })
    expect(later).toBe(first)
    expect(later.failureThreshold).toBe(2)
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ logger: 'dorm.contrib.circuit_breaker', level: 'WARNING' })
    expect(records[0]?.message).toContain("circuitBreaker('default') already exists")
    expect(records[0]?.message).toContain('failureThreshold=9 (in use: 2)')
  })

  it('reports the state of a name, or unknown', async () => {
    let now = 5_000
    expect(getState('nope')).toEqual({ state: 'unknown', failures: 0, opened_at: null })
    const breaker = circuitBreaker('default', { failureThreshold: 1, openWindowS: 1, clock: () => now })
    expect(getState('default')).toEqual({ state: 'closed', failures: 0, opened_at: null })
    await breaker.run(() => Promise.reject(new OperationalError('down'))).catch(() => undefined)
    expect(getState('default')).toEqual({ state: 'open', failures: 1, opened_at: 5_000 })
    now += 1_000
    expect(getState('default')).toEqual({ state: 'half_open', failures: 1, opened_at: 5_000 })
  })

  it('resetCircuitBreakers() closes every breaker and forgets them', async () => {
    const breaker = circuitBreaker('default', { failureThreshold: 1 })
    await breaker.run(() => Promise.reject(new Error('x'))).catch(() => undefined)
    resetCircuitBreakers()
    expect(breaker.state).toBe('closed')
    expect(getState('default').state).toBe('unknown')
    expect(circuitBreaker('default', { failureThreshold: 3 }).failureThreshold).toBe(3)
  })

  it('refuses bad options on first use', () => {
    expect(() => circuitBreaker('bad', { failureThreshold: 0 })).toThrow(/failureThreshold must be an integer >= 1/)
    expect(getState('bad').state).toBe('unknown')
  })
})
