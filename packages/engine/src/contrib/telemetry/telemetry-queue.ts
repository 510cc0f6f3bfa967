/**
 * The exporter's bounded queue of serialized items. When it is full the oldest items go first (the
 * newest say most about now), and every item lost, whatever the reason, is counted: the next batch
 * reports that count in `dropped`, and it is subtracted once a batch carrying it is accepted.
 * Items are kept as JSON text, serialized once when queued (off the request path: at collection
 * time), so batches are sized in bytes without serializing again.
 *
 * @example
 * ```ts
 * const queue = new TelemetryQueue(10_000)
 * queue.push(['{"kind":"health",...}'])
 * const parts = queue.take(5000, 900_000)
 * ```
 */

/** A bounded FIFO of item JSON texts with drop accounting; see the module doc. */
export class TelemetryQueue {
  readonly capacity: number
  #items: string[] = []
  #head = 0
  /** Items taken out into a batch not yet accepted: they count against the capacity. */
  #inFlight = 0
  #droppedTotal = 0
  #droppedUnreported = 0

  constructor(capacity: number) {
    this.capacity = capacity
  }

  /** Items waiting (not counting a batch in flight). */
  get length(): number {
    return this.#items.length - this.#head
  }

  /** Items waiting plus the batch in flight. */
  get held(): number {
    return this.length + this.#inFlight
  }

  /** Every item dropped since the queue was made. */
  get droppedTotal(): number {
    return this.#droppedTotal
  }

  /** Items dropped that no accepted batch has reported yet. */
  get droppedUnreported(): number {
    return this.#droppedUnreported
  }

  /**
   * Appends items, dropping the oldest waiting ones beyond the capacity.
   *
   * @example
   * ```ts
   * queue.push(items.map((item) => JSON.stringify(item)))
   * ```
   */
  push(parts: readonly string[]): void {
    for (const part of parts) this.#items.push(part)
    const excess = this.held - this.capacity
    if (excess > 0) {
      const dropped = Math.min(excess, this.length)
      this.#head += dropped
      this.countDropped(dropped)
    }
    this.#compact()
  }

  /**
   * Counts items lost elsewhere (refused by the dashboard, over a cap, invalid).
   *
   * @example
   * ```ts
   * queue.countDropped(batch.parts.length)
   * ```
   */
  countDropped(count: number): void {
    if (count <= 0) return
    this.#droppedTotal += count
    this.#droppedUnreported += count
  }

  /**
   * Takes the oldest items into a batch: at most `maxItems`, and at most `maxBytes` of JSON (at
   * least one item). They stay counted against the capacity until {@link settle}.
   *
   * @example
   * ```ts
   * const parts = queue.take(5000, 900_000)
   * ```
   */
  take(maxItems: number, maxBytes: number): string[] {
    const parts: string[] = []
    let bytes = 0
    while (this.length > 0 && parts.length < maxItems) {
      const next = this.#items[this.#head] as string
      if (parts.length > 0 && bytes + next.length + 1 > maxBytes) break
      parts.push(next)
      bytes += next.length + 1
      this.#head++
    }
    this.#inFlight += parts.length
    this.#compact()
    return parts
  }

  /**
   * Puts items of a batch back at the front (a batch split after 413).
   *
   * @example
   * ```ts
   * queue.giveBack(parts.slice(half))
   * ```
   */
  giveBack(parts: readonly string[]): void {
    this.#inFlight = Math.max(0, this.#inFlight - parts.length)
    this.#items = [...parts, ...this.#items.slice(this.#head)]
    this.#head = 0
  }

  /**
   * Ends a batch of `count` items in flight: accepted (reporting `reportedDrops`), or lost
   * (counted as dropped).
   *
   * @example
   * ```ts
   * queue.settle(batch.parts.length, { accepted: true, reportedDrops: batch.dropped })
   * ```
   */
  settle(count: number, outcome: { accepted: boolean; reportedDrops: number }): void {
    this.#inFlight = Math.max(0, this.#inFlight - count)
    if (outcome.accepted) this.#droppedUnreported = Math.max(0, this.#droppedUnreported - outcome.reportedDrops)
    else this.countDropped(count)
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
  }
}
