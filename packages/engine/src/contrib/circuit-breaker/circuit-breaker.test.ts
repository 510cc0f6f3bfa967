import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type BreakerChangeEvent, onDormEvent, resetDormEventListeners } from '../../db/events.js'
import { CircuitOpenError, OperationalError, PoolTimeout, ProgrammingError } from '../../errors.js'
import { CircuitBreaker } from './circuit-breaker.js'

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(start = 1_000_000) {
  let now = start
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000
    },
  }
}

const boom = () => Promise.reject(new OperationalError('connection refused'))

async function fail(breaker: CircuitBreaker, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await expect(breaker.run(boom)).rejects.toThrow(OperationalError)
}

/** A call that stays pending until the test settles it. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('CircuitBreaker', () => {
  let changes: Array<Pick<BreakerChangeEvent, 'from' | 'to' | 'failures'>> = []
  let clock = fakeClock()

  beforeEach(() => {
    changes = []
    clock = fakeClock()
    onDormEvent((e) => {
      if (e.type === 'breaker_change' && e.name === 'db') changes.push({ from: e.from, to: e.to, failures: e.failures })
    })
  })
  afterEach(() => resetDormEventListeners())

  const make = (options: { failureThreshold?: number; openWindowS?: number; isFailure?: (e: unknown) => boolean }) =>
    new CircuitBreaker('db', { clock: clock.now, ...options })

  it.each([
    [{ failureThreshold: 0 }, /failureThreshold must be an integer >= 1, got 0/],
    [{ failureThreshold: 2.5 }, /failureThreshold must be an integer >= 1, got 2.5/],
    [{ openWindowS: 0 }, /openWindowS must be a number of seconds > 0, got 0/],
    [{ openWindowS: -1 }, /openWindowS must be a number of seconds > 0, got -1/],
    [{ openWindowS: Number.NaN }, /openWindowS must be a number of seconds > 0, got NaN/],
  ])('refuses %o with a clear message', (options, message) => {
    expect(() => new CircuitBreaker('db', options)).toThrow(ProgrammingError)
    expect(() => new CircuitBreaker('db', options)).toThrow(message)
  })

  it('refuses a breaker without a name', () => {
    expect(() => new CircuitBreaker('')).toThrow(/needs a name/)
  })

  it('opens after N consecutive failures; a success in between starts the count again', async () => {
    const breaker = make({ failureThreshold: 3 })
    await fail(breaker, 2)
    expect(await breaker.run(() => 'ok')).toBe('ok')
    expect(breaker.failures).toBe(0)
    await fail(breaker, 2)
    expect(breaker.state).toBe('closed')
    await fail(breaker)
    expect(breaker.state).toBe('open')
    expect(breaker.failures).toBe(3)
    expect(breaker.openedAt).toBe(clock.now())
    expect(changes).toEqual([{ from: 'closed', to: 'open', failures: 3 }])
  })

  it('fails fast while open: the call never runs and is not counted', async () => {
    const breaker = make({ failureThreshold: 2, openWindowS: 30 })
    await fail(breaker, 2)
    clock.advance(12.3)
    let ran = false
    const error = await breaker
      .run(() => {
        ran = true
      })
      .catch((e) => e)
    expect(ran).toBe(false)
    expect(error).toBeInstanceOf(CircuitOpenError)
    expect(error.message).toMatch(/^Circuit 'db' is OPEN — 2 consecutive failures, cooldown ends in 17\.7s\. /)
    expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', breaker: 'db', failures: 2 })
    expect(error.retryInMs).toBeCloseTo(17_700)
    expect(breaker.failures).toBe(2)
  })

  it('turns half open once the window has passed, checked when the breaker is next read', async () => {
    const breaker = make({ failureThreshold: 1, openWindowS: 10 })
    await fail(breaker)
    clock.advance(9.999)
    expect(breaker.state).toBe('open')
    clock.advance(0.001)
    expect(changes).toHaveLength(1)
    expect(breaker.state).toBe('half_open')
    expect(changes.at(-1)).toEqual({ from: 'open', to: 'half_open', failures: 1 })
  })

  it('lets exactly one probe through while half open; the others fail fast until it finishes', async () => {
    const breaker = make({ failureThreshold: 2, openWindowS: 5 })
    await fail(breaker, 2)
    clock.advance(5)
    const gate = deferred<string>()
    let probes = 0
    const probe = breaker.run(() => {
      probes++
      return gate.promise
    })
    const others = await Promise.all(
      [1, 2, 3].map(() =>
        breaker
          .run(() => {
            probes++
          })
          .catch((e) => e),
      ),
    )
    for (const error of others) {
      expect(error).toBeInstanceOf(CircuitOpenError)
      expect(error.message).toMatch(
        /^Circuit 'db' is HALF_OPEN — a probe call is in flight after 2 consecutive failures/,
      )
    }
    expect(probes).toBe(1)
    gate.resolve('fine')
    expect(await probe).toBe('fine')
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
    expect(breaker.openedAt).toBeNull()
    expect(await breaker.run(() => 'next')).toBe('next')
  })

  it('a failed probe opens the circuit again with a fresh window', async () => {
    const breaker = make({ failureThreshold: 2, openWindowS: 5 })
    await fail(breaker, 2)
    clock.advance(7)
    await fail(breaker)
    expect(breaker.state).toBe('open')
    expect(breaker.failures).toBe(3)
    expect(breaker.openedAt).toBe(clock.now())
    await expect(breaker.run(() => 1)).rejects.toThrow(/cooldown ends in 5\.0s/)
    clock.advance(5)
    expect(breaker.state).toBe('half_open')
  })

  it('emits breaker_change on every transition, in order', async () => {
    const breaker = make({ failureThreshold: 2, openWindowS: 1 })
    await fail(breaker, 2)
    clock.advance(1)
    await fail(breaker) // probe fails
    clock.advance(1)
    await breaker.run(() => 'ok') // probe succeeds
    await fail(breaker)
    breaker.reset()
    await fail(breaker, 2)
    breaker.reset()
    expect(changes).toEqual([
      { from: 'closed', to: 'open', failures: 2 },
      { from: 'open', to: 'half_open', failures: 2 },
      { from: 'half_open', to: 'open', failures: 3 },
      { from: 'open', to: 'half_open', failures: 3 },
      { from: 'half_open', to: 'closed', failures: 0 },
      { from: 'closed', to: 'open', failures: 2 },
      { from: 'open', to: 'closed', failures: 0 },
    ])
  })

  it('counts only the errors isFailure accepts; the others break the streak', async () => {
    const breaker = make({
      failureThreshold: 2,
      isFailure: (e) => e instanceof OperationalError || e instanceof PoolTimeout,
    })
    await fail(breaker)
    await expect(breaker.run(() => Promise.reject(new ProgrammingError('syntax error')))).rejects.toThrow(
      'syntax error',
    )
    expect(breaker.failures).toBe(0)
    await fail(breaker)
    await expect(
      breaker.run(() => Promise.reject(new PoolTimeout('pool exhausted', { alias: 'default', timeoutMs: 1 }))),
    ).rejects.toThrow(PoolTimeout)
    expect(breaker.state).toBe('open')
  })

  it('ignores the outcome of a call admitted before the circuit changed state', async () => {
    const breaker = make({ failureThreshold: 1, openWindowS: 60 })
    const slow = deferred<string>()
    const late = breaker.run(() => slow.promise)
    await fail(breaker)
    expect(breaker.state).toBe('open')
    slow.resolve('late')
    expect(await late).toBe('late')
    expect(breaker.state).toBe('open')
    expect(breaker.failures).toBe(1)
  })

  it('reset() closes the circuit and lets calls through again', async () => {
    const breaker = make({ failureThreshold: 1 })
    await fail(breaker)
    breaker.reset()
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
    expect(await breaker.run(() => 7)).toBe(7)
  })
})
