/**
 * Checks outgoing items against the shared payload schema before they are queued, so a bug in the
 * exporter shows up in the app's logs rather than as rejected items on the dashboard. `'all'`
 * checks every item (tests), `'sample'` the first item of each kind and then one in
 * {@link SAMPLE_EVERY} (development), `'off'` none (production).
 *
 * @example
 * ```ts
 * const validator = new ItemValidator('sample')
 * const problem = validator.check(item) // null, or 'query_rollup.histogram: ...'
 * ```
 */
import { type TelemetryItem, telemetryItemSchema } from './telemetry-schema.js'

/** In `'sample'` mode, one item in this many is checked after the first of each kind. */
export const SAMPLE_EVERY = 100

/** Validates items per mode; see the module doc. */
export class ItemValidator {
  readonly #mode: 'all' | 'sample' | 'off'
  readonly #seenKinds = new Set<string>()
  #counter = 0

  constructor(mode: 'all' | 'sample' | 'off') {
    this.#mode = mode
  }

  /**
   * Null when the item is valid (or not checked), else what is wrong with it.
   *
   * @example
   * ```ts
   * if (validator.check(item) !== null) dropped++
   * ```
   */
  check(item: TelemetryItem): string | null {
    if (this.#mode === 'off') return null
    if (this.#mode === 'sample') {
      this.#counter++
      const first = !this.#seenKinds.has(item.kind)
      if (!first && this.#counter % SAMPLE_EVERY !== 0) return null
      this.#seenKinds.add(item.kind)
    }
    const result = telemetryItemSchema.safeParse(item)
    if (result.success) return null
    const issue = result.error.issues[0]
    return `${item.kind}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`
  }
}
