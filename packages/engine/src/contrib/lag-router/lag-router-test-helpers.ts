/**
 * Test support for the lag router's unit tests: a fake probe answering from a map, a fake
 * monotonic clock, and the log records and bus events captured while a test runs. Call `setUp()`
 * in `beforeEach` and `tearDown()` in `afterEach`.
 *
 * @example
 * ```ts
 * const h = new LagRouterHarness()
 * beforeEach(() => h.setUp())
 * afterEach(() => h.tearDown())
 * it('deflects', async () => {
 *   const router = h.router()
 *   h.lags.set('replica_1', 9)
 * })
 * ```
 */
import { configure, resetSettings } from '../../conf/settings.js'
import { onDormEvent, resetDormEventListeners, type StampedDormEvent } from '../../db/events.js'
import { addLogSink, type LogRecord, resetLogging, setLogLevel } from '../../db/logging.js'
import { LagAwareReadRouter } from './lag-aware-router.js'
import type { LagRouterOptions } from './options.js'

/** What the fake probe answers for one alias: seconds, null (not measurable) or an error to throw. */
export type FakeAnswer = number | null | Error

/** Lets background probes finish (with a fake probe they only wait on microtasks). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** A fake probe and clock, the captured logs and events, and the routers to close after the test. */
export class LagRouterHarness {
  /** The fake monotonic clock, in ms. */
  now = 0
  /** Answers of the fake probe per alias (0 when unset). */
  lags = new Map<string, FakeAnswer>()
  /** Every alias probed, in order. */
  calls: string[] = []
  logs: LogRecord[] = []
  events: StampedDormEvent[] = []
  #routers: LagAwareReadRouter[] = []
  #gate: Promise<void> | undefined
  #open = () => {}
  #cleanups: Array<() => void> = []

  setUp(): void {
    this.now = 1_000_000
    this.lags = new Map()
    this.calls = []
    this.logs = []
    this.events = []
    setLogLevel('dorm.contrib.lag_router', 'INFO')
    this.#cleanups = [addLogSink((record) => this.logs.push(record)), onDormEvent((event) => this.events.push(event))]
    configure({ DATABASES: { default: 'sqlite://', replica_1: 'sqlite://', replica_2: 'sqlite://' } })
  }

  tearDown(): void {
    for (const router of this.#routers.splice(0)) router.close()
    for (const cleanup of this.#cleanups.splice(0)) cleanup()
    this.release()
    resetDormEventListeners()
    resetLogging()
    resetSettings()
  }

  /** A router over replica_1 and replica_2 on the fake probe and clock, closed by `tearDown()`. */
  router(options: Partial<LagRouterOptions> = {}): LagAwareReadRouter {
    const router = new LagAwareReadRouter({
      replicas: ['replica_1', 'replica_2'],
      clock: () => this.now,
      probe: (alias) => this.probe(alias),
      ...options,
    })
    this.#routers.push(router)
    return router
  }

  /** The fake probe. */
  async probe(alias: string): Promise<number | null> {
    this.calls.push(alias)
    if (this.#gate !== undefined) await this.#gate
    const answer = this.lags.has(alias) ? (this.lags.get(alias) as FakeAnswer) : 0
    if (answer instanceof Error) throw answer
    return answer
  }

  /** Makes the probes started from now on wait until `release()`. */
  hold(): void {
    this.#gate = new Promise<void>((resolve) => {
      this.#open = resolve
    })
  }

  release(): void {
    this.#gate = undefined
    this.#open()
  }

  /** Moves the fake clock forward. */
  advance(seconds: number): void {
    this.now += seconds * 1000
  }

  warnings(): string[] {
    return this.logs.filter((r) => r.level === 'WARNING').map((r) => r.message)
  }

  deflections(): StampedDormEvent[] {
    return this.events.filter((e) => e.type === 'replica_deflection')
  }
}
