/**
 * A DATABASE_ROUTERS entry that spreads reads over streaming replicas and sends them to the primary
 * while every replica lags more than `maxLagSeconds` (or is down). Writes and migrations go to the
 * primary. Sticky read-after-write pins are applied before any router is asked, so a request that
 * just wrote still reads its own writes from the primary.
 *
 * Lag is measured in the background (see `lag-monitor.ts`); `dbForRead` answers from the cache at
 * once. Before the first measurement of a replica finishes it counts as unknown, and reads go to
 * the primary (safe, never stale); `await router.refresh()` at startup measures right away.
 */
import { databaseAliases, getSettings } from '../../conf/settings.js'
import { emitDormEvent } from '../../db/events.js'
import { getLogger } from '../../db/logging.js'
import type { Router, RouterHints } from '../../db/router.js'
import { ImproperlyConfigured } from '../../errors.js'
import type { ModelClassLike } from '../../models/model-meta.js'
import { LagMonitor } from './lag-monitor.js'
import { type LagRouterOptions, type ResolvedLagRouterOptions, resolveLagRouterOptions } from './options.js'
import type { ReplicaStatus } from './replica-health.js'

const lagRouterLogger = getLogger('dorm.contrib.lag_router')

/**
 * Routes reads to replicas that are within `maxLagSeconds` of the primary, uniformly at random, and
 * deflects them to the primary when none is. Deflection is logged once per episode: a WARNING on
 * `dorm.contrib.lag_router` plus a `replica_deflection` event when reads start going to the primary,
 * an INFO when they return to a replica.
 *
 * @example
 * ```ts
 * import { configure } from '@dorm/engine'
 * import { LagAwareReadRouter } from '@dorm/engine/contrib/lag-router'
 *
 * const router = new LagAwareReadRouter({ primary: 'primary', replicas: ['replica_1', 'replica_2'], maxLagSeconds: 2 })
 * configure({
 *   DATABASES: { primary: process.env.PRIMARY_URL, replica_1: process.env.REPLICA_1_URL, replica_2: process.env.REPLICA_2_URL },
 *   DATABASE_ROUTERS: [router],
 * })
 * await router.refresh() // optional warm-up: measure the replicas before the first request
 * process.on('SIGTERM', () => router.close())
 * ```
 */
export class LagAwareReadRouter implements Router {
  readonly primary: string
  readonly replicas: readonly string[]
  readonly maxLagSeconds: number
  readonly cacheSeconds: number
  readonly failureThreshold: number
  readonly cooldownSeconds: number
  readonly #options: ResolvedLagRouterOptions
  readonly #monitor: LagMonitor
  /** The settings object the aliases were last checked against. */
  #checkedSettings: object | undefined
  #deflecting = false

  constructor(options: LagRouterOptions) {
    this.#options = resolveLagRouterOptions(options)
    this.primary = this.#options.primary
    this.replicas = this.#options.replicas
    this.maxLagSeconds = this.#options.maxLagSeconds
    this.cacheSeconds = this.#options.cacheSeconds
    this.failureThreshold = this.#options.failureThreshold
    this.cooldownSeconds = this.#options.cooldownSeconds
    this.#monitor = new LagMonitor(this.#options)
  }

  /** A healthy replica picked uniformly at random, else the primary. */
  dbForRead(_model?: ModelClassLike, _hints?: RouterHints): string {
    this.#checkAliases()
    this.#monitor.touch()
    const healthy = this.#monitor.healthyReplicas()
    if (healthy.length > 0) {
      if (this.#deflecting) this.#endDeflection(healthy)
      const index = Math.min(healthy.length - 1, Math.floor(this.#options.random() * healthy.length))
      return healthy[index] as string
    }
    this.#deflect()
    return this.primary
  }

  /** Always the primary. */
  dbForWrite(_model?: ModelClassLike, _hints?: RouterHints): string {
    this.#checkAliases()
    return this.primary
  }

  /** Migrations run on the primary only (replicas receive them through replication). */
  allowMigrate(alias: string, _appLabel?: string, _hints?: RouterHints): boolean {
    return alias === this.primary
  }

  /**
   * Probes every replica now (those skipped by an open breaker excepted) and resolves with the
   * snapshot: for a warm-up at startup, or in tests.
   */
  async refresh(): Promise<Record<string, ReplicaStatus>> {
    this.#checkAliases()
    await this.#monitor.refreshAll()
    return this.snapshot()
  }

  /**
   * The health of every replica: `{ replica_1: { lag_seconds, healthy, checked_at,
   * consecutive_failures, breaker_open } }`. `lag_seconds` is `Infinity` when unknown (it becomes
   * null in JSON).
   */
  snapshot(): Record<string, ReplicaStatus> {
    return this.#monitor.statuses()
  }

  /** Forgets every measurement and breaker: the next reads go to the primary until probes finish. */
  reset(): void {
    this.#monitor.reset()
    this.#deflecting = false
  }

  /** Stops the background timer (graceful shutdown); a later read starts it again. */
  close(): void {
    this.#monitor.close()
  }

  #deflect(): void {
    const replicas = [...this.#monitor.replicas.values()]
    // before every replica was measured once, going to the primary is the expected warm-up
    if (this.#deflecting || !replicas.every((health) => health.measured)) return
    this.#deflecting = true
    const now = this.#monitor.now()
    const lagSeconds: Record<string, number | null> = {}
    const errors: Record<string, string> = {}
    for (const health of replicas) {
      lagSeconds[health.alias] = health.lag ?? null
      if (health.error !== null) errors[health.alias] = health.error
    }
    const details = replicas.map((health) => `${health.alias}: ${health.describe(now)}`).join(', ')
    lagRouterLogger.warning(
      `lag_router: every replica is over the lag threshold (${details}); deflecting reads to primary '${this.primary}'`,
      { primary: this.primary, lag_seconds: lagSeconds, max_lag_seconds: this.maxLagSeconds, errors },
    )
    emitDormEvent({
      type: 'replica_deflection',
      primary: this.primary,
      lag_seconds: lagSeconds,
      max_lag_seconds: this.maxLagSeconds,
    })
  }

  #endDeflection(healthy: readonly string[]): void {
    this.#deflecting = false
    lagRouterLogger.info(
      `lag_router: ${healthy.join(', ')} back within ${this.maxLagSeconds}s of the primary; reads go to replicas again`,
      { primary: this.primary, healthy: [...healthy] },
    )
  }

  /** Every alias must be in DATABASES; checked once per configure(), as settings may come later. */
  #checkAliases(): void {
    const settings = getSettings()
    if (this.#checkedSettings === settings) return
    const configured = databaseAliases()
    const missing = [this.primary, ...this.replicas].filter((alias) => !configured.includes(alias))
    if (missing.length > 0) {
      const known = configured.length > 0 ? configured.map((alias) => `'${alias}'`).join(', ') : 'none'
      throw new ImproperlyConfigured(
        `LagAwareReadRouter: ${missing.map((alias) => `'${alias}'`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} ` +
          `not in DATABASES (configured aliases: ${known}). Add ${missing.length > 1 ? 'them' : 'it'} to ` +
          'DATABASES, or fix the primary / replicas given to the router.',
      )
    }
    this.#checkedSettings = settings
  }
}
