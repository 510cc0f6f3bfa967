/**
 * Options of {@link LagAwareReadRouter} and their validation: every bad value is an
 * `ImproperlyConfigured` that names the option, the value and the fix.
 */
import { performance } from 'node:perf_hooks'
import { ImproperlyConfigured } from '../../errors.js'

/**
 * Measures the replication lag of one alias in seconds; null when it cannot be measured (the
 * replica is down, the query failed). The default probe asks PostgreSQL (see `lag-probe.ts`).
 */
export type LagProbe = (alias: string) => Promise<number | null>

/** What `new LagAwareReadRouter(options)` accepts. */
export interface LagRouterOptions {
  /** Alias of the primary: writes, migrations and deflected reads go there. Default `'default'`. */
  primary?: string
  /** Aliases of the streaming replicas reads are spread over (at least one). */
  replicas: readonly string[]
  /** A replica whose lag is above this many seconds gets no reads. Default 2. */
  maxLagSeconds?: number
  /** How long a measured lag is trusted before the replica is probed again, in seconds. Default 5. */
  cacheSeconds?: number
  /** Consecutive unhealthy probes after which a replica is skipped without probing. Default 3. */
  failureThreshold?: number
  /** How long a replica past `failureThreshold` is skipped, in seconds; 0 never skips. Default 30. */
  cooldownSeconds?: number
  /** Random number in [0, 1) used to pick a replica. Default `Math.random`. */
  random?: () => number
  /** Monotonic clock in milliseconds, for the cache and the cooldown. Default `performance.now`. */
  clock?: () => number
  /** Replaces the PostgreSQL lag probe (other measures, tests). */
  probe?: LagProbe
}

/** The options with every default filled in. */
export interface ResolvedLagRouterOptions {
  primary: string
  replicas: readonly string[]
  maxLagSeconds: number
  cacheSeconds: number
  failureThreshold: number
  cooldownSeconds: number
  random: () => number
  clock: () => number
  probe: LagProbe | undefined
}

const PREFIX = 'LagAwareReadRouter'

function fail(message: string): never {
  throw new ImproperlyConfigured(`${PREFIX}: ${message}`)
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function numberOption(name: string, value: unknown, fallback: number, rule: (n: number) => boolean, need: string) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || !rule(value)) {
    fail(`${name} must be ${need}, got ${show(value)}. Pass e.g. { ${name}: ${fallback} } or leave it out.`)
  }
  return value
}

function functionOption<F>(name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') fail(`${name} must be a function, got ${show(value)}. Leave it out for the default.`)
  return value as F
}

function aliasList(replicas: unknown, primary: string): string[] {
  if (!Array.isArray(replicas) || replicas.length === 0) {
    fail(
      `replicas must list at least one database alias, got ${show(replicas)}. ` +
        "Pass the DATABASES aliases of your replicas, e.g. { replicas: ['replica_1', 'replica_2'] }.",
    )
  }
  const seen = new Set<string>()
  for (const alias of replicas) {
    if (typeof alias !== 'string' || alias === '') {
      fail(`every replica must be a non-empty alias string, got ${show(alias)} in replicas ${show(replicas)}.`)
    }
    if (alias === primary) {
      fail(
        `the primary '${primary}' is also listed among the replicas ${show(replicas)}. ` +
          'Remove it from replicas: deflected reads already go to the primary.',
      )
    }
    if (seen.has(alias)) fail(`replica '${alias}' is listed twice in ${show(replicas)}. List each alias once.`)
    seen.add(alias)
  }
  return [...seen]
}

/**
 * Checks the options and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveLagRouterOptions({ replicas: ['replica'] }).maxLagSeconds // 2
 * resolveLagRouterOptions({ replicas: [] }) // throws ImproperlyConfigured
 * ```
 */
export function resolveLagRouterOptions(options: LagRouterOptions): ResolvedLagRouterOptions {
  if (typeof options !== 'object' || options === null) {
    fail(`expected an options object, got ${show(options)}. Use new LagAwareReadRouter({ replicas: ['replica'] }).`)
  }
  const primary = options.primary ?? 'default'
  if (typeof primary !== 'string' || primary === '') {
    fail(`primary must be a non-empty alias string, got ${show(primary)}. Leave it out to use 'default'.`)
  }
  return {
    primary,
    replicas: aliasList(options.replicas, primary),
    maxLagSeconds: numberOption('maxLagSeconds', options.maxLagSeconds, 2, (n) => n > 0, 'a number above 0'),
    cacheSeconds: numberOption('cacheSeconds', options.cacheSeconds, 5, (n) => n > 0, 'a number above 0'),
    failureThreshold: numberOption(
      'failureThreshold',
      options.failureThreshold,
      3,
      (n) => Number.isInteger(n) && n >= 1,
      'an integer of at least 1',
    ),
    cooldownSeconds: numberOption(
      'cooldownSeconds',
      options.cooldownSeconds,
      30,
      (n) => n >= 0,
      'a number of at least 0 (0 never skips a failing replica)',
    ),
    random: functionOption<() => number>('random', options.random) ?? Math.random,
    clock: functionOption<() => number>('clock', options.clock) ?? (() => performance.now()),
    probe: functionOption<LagProbe>('probe', options.probe),
  }
}
