/**
 * The exporter's sending side: a bounded {@link TelemetryQueue} of serialized items and one batch
 * in flight at a time. A batch takes up to MAX_BATCH_ITEMS items and {@link MAX_BATCH_BYTES} of
 * JSON (under the dashboard's 1 MB cap; halved for the rest of the process after a 413), carries
 * a fresh `batch_id` kept across its retries (so a batch whose answer was lost is stored once) and
 * the count of items dropped since the last accepted batch.
 *
 * Failures never reach the app: 429, 408, 5xx, network errors and timeouts keep the batch and try
 * again after Retry-After or a capped exponential backoff (from min(1 s, interval) up to
 * min(60 s, 6 intervals)); a batch answered 500 {@link MAX_SERVER_ERROR_ATTEMPTS} times in a row is
 * dropped (a poison batch must not block the queue forever); other 4xx drop the batch. Every
 * problem is logged at WARNING on `dorm.contrib.telemetry`, at most once a minute. Retries run on
 * an unref'd timer, so a waiting exporter never keeps the process alive.
 *
 * @example
 * ```ts
 * const sender = new TelemetrySender(resolved, envelope)
 * sender.enqueue(items)
 * await sender.pump({ force: true })
 * sender.stats() // { sent, dropped, queued, failures }
 * ```
 */
import { randomUUID } from 'node:crypto'
import { backoffDelayMs } from './retry-policy.js'
import type { ResolvedTelemetryOptions } from './telemetry-options.js'
import { TelemetryQueue } from './telemetry-queue.js'
import { MAX_BATCH_ITEMS, TELEMETRY_SCHEMA_VERSION } from './telemetry-schema.js'
import { postBatch } from './telemetry-transport.js'
import type { TelemetryWarnings } from './telemetry-warnings.js'

/** Most bytes of item JSON per batch (the dashboard caps bodies at 1 MB). */
export const MAX_BATCH_BYTES = 900_000

/** Consecutive HTTP 500 answers after which a batch is given up. */
export const MAX_SERVER_ERROR_ATTEMPTS = 5

/** The exporter's counters. */
export interface TelemetryStats {
  /** Items the dashboard accepted. */
  sent: number
  /** Items lost: queue overflow, over a per-interval cap, refused by the dashboard, or invalid. */
  dropped: number
  /** Items waiting, including the batch in flight. */
  queued: number
  /** POST attempts that failed (each retry counts). */
  failures: number
}

/** The envelope fields that do not change between batches. */
export interface BatchEnvelope {
  service: string
  environment: string | undefined
  instance: { host: string; pid: number }
}

interface Batch {
  readonly id: string
  readonly parts: string[]
  readonly dropped: number
  readonly sentAt: string
  attempts: number
  serverErrors: number
}

/** Queues and sends batches; see the module doc. */
export class TelemetrySender {
  readonly queue: TelemetryQueue
  readonly #options: ResolvedTelemetryOptions
  readonly #envelope: BatchEnvelope
  readonly #warnings: TelemetryWarnings
  readonly #abort = new AbortController()
  #batchItems: number
  #batchBytes = MAX_BATCH_BYTES
  #inFlight: Batch | null = null
  #retryAt = 0
  #retryTimer: NodeJS.Timeout | undefined
  #pumping: Promise<void> | null = null
  #closed = false
  #sent = 0
  #failures = 0

  constructor(options: ResolvedTelemetryOptions, envelope: BatchEnvelope, warnings: TelemetryWarnings) {
    this.#options = options
    this.#envelope = envelope
    this.#warnings = warnings
    this.queue = new TelemetryQueue(options.maxQueueItems)
    // keep room for new items while a full batch is in flight
    this.#batchItems = Math.max(1, Math.min(MAX_BATCH_ITEMS, Math.floor(options.maxQueueItems / 2)))
  }

  /**
   * Queues items (JSON texts).
   *
   * @example
   * ```ts
   * sender.enqueue([JSON.stringify(item)])
   * ```
   */
  enqueue(parts: readonly string[]): void {
    if (parts.length > 0) this.queue.push(parts)
  }

  /**
   * The counters.
   *
   * @example
   * ```ts
   * sender.stats().queued
   * ```
   */
  stats(): TelemetryStats {
    return { sent: this.#sent, dropped: this.queue.droppedTotal, queued: this.queue.held, failures: this.#failures }
  }

  /**
   * Sends what is queued. Without `force` it does nothing while a retry is pending (or another
   * send runs); with it, it tries now, after any send in progress. With a `deadline` (epoch ms) it
   * keeps retrying until then and then aborts. Never rejects.
   *
   * @example
   * ```ts
   * await sender.pump({ force: true, deadline: Date.now() + 5000 })
   * ```
   */
  pump(options: { force?: boolean; deadline?: number } = {}): Promise<void> {
    const force = options.force === true
    if (this.#pumping !== null && !force) return this.#pumping
    const previous = this.#pumping ?? Promise.resolve()
    const next = previous
      .then(() => this.#sendAll(force, options.deadline))
      .catch((err: unknown) => this.#warnings.warn(`sending failed unexpectedly: ${String(err)}`))
    this.#pumping = next
    void next.finally(() => {
      if (this.#pumping === next) this.#pumping = null
    })
    return next
  }

  /**
   * Stops retry timers and aborts a POST in flight (after `stop()`'s last pump).
   *
   * @example
   * ```ts
   * sender.close()
   * ```
   */
  close(): void {
    this.#closed = true
    clearTimeout(this.#retryTimer)
    this.#abort.abort()
  }

  async #sendAll(force: boolean, deadline: number | undefined): Promise<void> {
    for (;;) {
      if (this.#closed) return
      if (deadline !== undefined && Date.now() >= deadline) return
      if (!force && Date.now() < this.#retryAt) return
      if (this.#inFlight === null) {
        if (this.queue.length === 0) return
        this.#inFlight = this.#newBatch()
      }
      const batch = this.#inFlight
      const remaining = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now()
      const outcome = await postBatch({
        url: this.#options.url,
        token: this.#options.token,
        body: this.#bodyOf(batch),
        batchId: batch.id,
        timeoutMs: Math.max(1, Math.min(this.#options.timeoutMs, remaining)),
        fetch: this.#options.fetch,
        signal: this.#abort.signal,
      })
      if (outcome.kind === 'retry') {
        const delay = this.#failed(batch, outcome.status, outcome.retryAfterMs, outcome.reason)
        if (delay === null) continue
        if (deadline === undefined) {
          this.#scheduleRetry(delay)
          return
        }
        if (Date.now() + delay >= deadline) return
        // bounded by the deadline of stop(), which the caller awaits: this wait keeps the process up
        await new Promise((resolve) => setTimeout(resolve, delay))
        continue
      }
      this.#inFlight = null
      if (outcome.kind === 'accepted') {
        this.queue.settle(batch.parts.length, { accepted: true, reportedDrops: batch.dropped })
        this.#sent += outcome.accepted ?? batch.parts.length
        this.#retryAt = 0
        if (outcome.rejected > 0) {
          this.#warnings.warn(
            `the dashboard rejected ${outcome.rejected} of ${batch.parts.length} item(s) of a batch` +
              `${outcome.firstError === null ? '' : `, first: ${outcome.firstError}`}; upgrade the dashboard or the engine so their schemas match`,
          )
        }
      } else if (outcome.kind === 'too_large' && batch.parts.length > 1) {
        this.queue.giveBack(batch.parts)
        this.#batchItems = Math.max(1, Math.floor(batch.parts.length / 2))
        this.#batchBytes = Math.max(1000, Math.floor(this.#batchBytes / 2))
      } else {
        this.queue.settle(batch.parts.length, { accepted: false, reportedDrops: 0 })
        const reason = outcome.kind === 'too_large' ? 'HTTP 413 for a single item' : outcome.reason
        this.#warnings.warn(
          `the dashboard refused a batch of ${batch.parts.length} item(s) (${reason})${hint(outcome.status)}`,
          {
            url: this.#options.url,
            status: outcome.status,
          },
        )
      }
    }
  }

  /** Counts a failed attempt; returns the delay before the next one, or null when the batch was given up. */
  #failed(batch: Batch, status: number | null, retryAfterMs: number | null, reason: string): number | null {
    this.#failures++
    batch.attempts++
    batch.serverErrors = status === 500 ? batch.serverErrors + 1 : 0
    if (batch.serverErrors >= MAX_SERVER_ERROR_ATTEMPTS) {
      this.#inFlight = null
      this.queue.settle(batch.parts.length, { accepted: false, reportedDrops: 0 })
      this.#warnings.warn(
        `gave up a batch of ${batch.parts.length} item(s) after ${batch.serverErrors} answers HTTP 500 (${reason}); check the dashboard's logs`,
        { url: this.#options.url },
      )
      return null
    }
    const interval = this.#options.intervalMs
    const delay =
      retryAfterMs ?? backoffDelayMs(batch.attempts, Math.min(1000, interval), Math.min(60_000, 6 * interval))
    this.#retryAt = Date.now() + delay
    this.#warnings.warn(
      `could not deliver ${this.queue.held} queued item(s) to ${this.#options.url} (${reason}); ` +
        `retrying in ${Math.round(delay)} ms, the app is not affected`,
      { url: this.#options.url, status },
    )
    return delay
  }

  #scheduleRetry(delay: number): void {
    clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => void this.pump(), delay)
    this.#retryTimer.unref()
  }

  #newBatch(): Batch {
    const parts = this.queue.take(this.#batchItems, this.#batchBytes)
    const sentAt = new Date().toISOString()
    return { id: randomUUID(), parts, dropped: this.queue.droppedUnreported, sentAt, attempts: 0, serverErrors: 0 }
  }

  #bodyOf(batch: Batch): string {
    const head = JSON.stringify({
      schema_version: TELEMETRY_SCHEMA_VERSION,
      batch_id: batch.id,
      sent_at: batch.sentAt,
      service: this.#envelope.service,
      ...(this.#envelope.environment === undefined ? {} : { environment: this.#envelope.environment }),
      instance: this.#envelope.instance,
      dropped: batch.dropped,
    })
    return `${head.slice(0, -1)},"items":[${batch.parts.join(',')}]}`
  }
}

function hint(status: number): string {
  if (status === 401) return ': the token is unknown or revoked, create an ingest key on the dashboard'
  if (status === 403) return ": the key belongs to another environment than 'environment'"
  return ''
}
