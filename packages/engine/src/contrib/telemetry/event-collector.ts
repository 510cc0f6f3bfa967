/**
 * Events and slow queries, from the core event bus (`onDormEvent`):
 * - `slow_query` becomes a slow-query item: the statement's template and fingerprint, never its
 *   params (and not its literal SQL either), labelled with the route of the request it ran in;
 * - `budget_exceeded` marks the current request as over budget (always kept) and is sent as an event;
 * - every other type is sent as an event item, its payload under `data`.
 *
 * Each kind is capped per exporter interval ({@link MAX_EVENTS_PER_TYPE} per event type,
 * {@link MAX_SLOW_QUERIES} slow queries) so a storm of retries or sticky pins cannot flood the
 * queue; the excess is counted as dropped.
 *
 * @example
 * ```ts
 * const events = new EventCollector((item) => queue.push([item]), (n) => queue.countDropped(n))
 * events.start()
 * events.resetCaps() // every interval
 * ```
 */
import { type DormEvent, onDormEvent, type StampedDormEvent } from '../../db/events.js'
import { currentRequestTelemetry, isInternal, routeLabelOf } from './telemetry-context.js'
import type { EventItem, SlowQueryItem, TelemetryItem } from './telemetry-schema.js'
import { telemetryTemplateOf } from './telemetry-template.js'

/** Most events of one type sent per interval. */
export const MAX_EVENTS_PER_TYPE = 100
/** Most slow queries sent per interval. */
export const MAX_SLOW_QUERIES = 500

const EVENT_TYPES = new Set<string>([
  'retry',
  'pool_timeout',
  'breaker_change',
  'budget_exceeded',
  'replica_deflection',
  'sticky_pin',
])

/** Turns bus events into items; see the module doc. */
export class EventCollector {
  readonly #emit: (item: TelemetryItem) => void
  readonly #drop: (count: number) => void
  readonly #counts = new Map<string, number>()
  #remove: (() => void) | null = null

  constructor(emit: (item: TelemetryItem) => void, drop: (count: number) => void) {
    this.#emit = emit
    this.#drop = drop
  }

  /**
   * Subscribes to the bus.
   *
   * @example
   * ```ts
   * events.start()
   * ```
   */
  start(): void {
    if (this.#remove !== null) return
    this.#remove = onDormEvent((event) => this.#receive(event))
  }

  /**
   * Unsubscribes.
   *
   * @example
   * ```ts
   * events.stop()
   * ```
   */
  stop(): void {
    this.#remove?.()
    this.#remove = null
  }

  /**
   * Starts a new interval for the per-type caps.
   *
   * @example
   * ```ts
   * events.resetCaps()
   * ```
   */
  resetCaps(): void {
    this.#counts.clear()
  }

  #admit(kind: string, cap: number): boolean {
    const seen = this.#counts.get(kind) ?? 0
    this.#counts.set(kind, seen + 1)
    if (seen < cap) return true
    this.#drop(1)
    return false
  }

  #receive(event: StampedDormEvent): void {
    if (isInternal()) return
    if (event.type === 'slow_query') {
      if (this.#admit('slow_query', MAX_SLOW_QUERIES)) this.#emit(slowQueryItemOf(event))
      return
    }
    if (event.type === 'budget_exceeded') {
      const state = currentRequestTelemetry()
      if (state !== undefined) state.overBudget = true
    }
    if (!EVENT_TYPES.has(event.type) || !this.#admit(event.type, MAX_EVENTS_PER_TYPE)) return
    this.#emit(eventItemOf(event))
  }
}

function slowQueryItemOf(event: StampedDormEvent & { type: 'slow_query' }): SlowQueryItem {
  const { template, fingerprint } = telemetryTemplateOf(event.sql)
  const state = currentRequestTelemetry()
  return {
    kind: 'slow_query',
    at: new Date(event.time).toISOString(),
    alias: event.alias,
    route: state === undefined ? null : routeLabelOf(state),
    fingerprint,
    template,
    elapsed_ms: event.elapsed_ms,
    threshold_ms: event.threshold_ms,
    error: null,
  }
}

function eventItemOf(event: StampedDormEvent): EventItem {
  const { type, time, ...rest } = event as DormEvent & { time: number; alias?: unknown }
  const alias = typeof rest.alias === 'string' ? rest.alias : null
  const data: Record<string, unknown> = { ...rest }
  delete data.alias
  return { kind: 'event', at: new Date(time).toISOString(), type: type as EventItem['type'], alias, data }
}
