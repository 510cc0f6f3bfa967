import { describe, expect, it } from 'vitest'
import { ImproperlyConfigured } from '../../errors.js'
import { type LagRouterOptions, resolveLagRouterOptions } from './options.js'

function errorOf(options: unknown): ImproperlyConfigured {
  try {
    resolveLagRouterOptions(options as LagRouterOptions)
  } catch (err) {
    expect(err).toBeInstanceOf(ImproperlyConfigured)
    return err as ImproperlyConfigured
  }
  throw new Error(`expected ${JSON.stringify(options)} to be rejected`)
}

describe('resolveLagRouterOptions', () => {
  it('fills in the defaults of the seed', () => {
    const resolved = resolveLagRouterOptions({ replicas: ['replica'] })
    expect(resolved).toMatchObject({
      primary: 'default',
      replicas: ['replica'],
      maxLagSeconds: 2,
      cacheSeconds: 5,
      failureThreshold: 3,
      cooldownSeconds: 30,
      random: Math.random,
      probe: undefined,
    })
    expect(typeof resolved.clock()).toBe('number')
  })

  it('keeps the values given, and a cooldown of 0', () => {
    const random = () => 0.5
    const clock = () => 42
    const resolved = resolveLagRouterOptions({
      primary: 'primary',
      replicas: ['r1', 'r2'],
      maxLagSeconds: 0.5,
      cacheSeconds: 1,
      failureThreshold: 1,
      cooldownSeconds: 0,
      random,
      clock,
    })
    expect(resolved).toMatchObject({
      primary: 'primary',
      replicas: ['r1', 'r2'],
      maxLagSeconds: 0.5,
      cooldownSeconds: 0,
    })
    expect(resolved.random).toBe(random)
    expect(resolved.clock).toBe(clock)
  })

  it.each([
    [
      { replicas: [] },
      /replicas must list at least one database alias, got \[\]\. .*replicas: \['replica_1', 'replica_2'\]/,
    ],
    [{}, /replicas must list at least one database alias, got undefined/],
    [{ replicas: 'replica' }, /replicas must list at least one database alias, got 'replica'/],
    [{ replicas: ['r1', ''] }, /every replica must be a non-empty alias string, got ''/],
    [{ replicas: ['r1', 'r1'] }, /replica 'r1' is listed twice/],
    [
      { replicas: ['default', 'r1'] },
      /the primary 'default' is also listed among the replicas .*Remove it from replicas/,
    ],
    [{ primary: 'main', replicas: ['main'] }, /the primary 'main' is also listed among the replicas/],
    [{ primary: '', replicas: ['r1'] }, /primary must be a non-empty alias string, got ''/],
    [
      { replicas: ['r1'], maxLagSeconds: 0 },
      /maxLagSeconds must be a number above 0, got 0\. Pass e\.g\. \{ maxLagSeconds: 2 \}/,
    ],
    [{ replicas: ['r1'], maxLagSeconds: -1 }, /maxLagSeconds must be a number above 0, got -1/],
    [{ replicas: ['r1'], maxLagSeconds: Number.NaN }, /maxLagSeconds must be a number above 0/],
    [{ replicas: ['r1'], maxLagSeconds: '2' }, /maxLagSeconds must be a number above 0, got '2'/],
    [{ replicas: ['r1'], cacheSeconds: 0 }, /cacheSeconds must be a number above 0, got 0/],
    [{ replicas: ['r1'], failureThreshold: 0 }, /failureThreshold must be an integer of at least 1, got 0/],
    [{ replicas: ['r1'], failureThreshold: 1.5 }, /failureThreshold must be an integer of at least 1, got 1\.5/],
    [{ replicas: ['r1'], cooldownSeconds: -0.1 }, /cooldownSeconds must be a number of at least 0 .*got -0\.1/],
    [{ replicas: ['r1'], random: 0.3 }, /random must be a function, got 0\.3/],
    [{ replicas: ['r1'], clock: 'now' }, /clock must be a function, got 'now'/],
    [{ replicas: ['r1'], probe: {} }, /probe must be a function, got \{\}/],
  ])('rejects %j', (options, message) => {
    const error = errorOf(options)
    expect(error.message).toMatch(/^LagAwareReadRouter: /)
    expect(error.message).toMatch(message)
    expect(error.code).toBe('IMPROPERLY_CONFIGURED')
  })

  it('rejects a missing options object', () => {
    expect(errorOf(undefined).message).toMatch(/expected an options object, got undefined/)
  })
})
