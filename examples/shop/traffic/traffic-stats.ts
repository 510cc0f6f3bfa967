/**
 * Counting what a traffic run did: requests per endpoint (route template) and status, network
 * errors, and a few sample error messages.
 *
 * @example
 * ```ts
 * const stats = new TrafficRecorder()
 * stats.record('GET /products', 200)
 * stats.snapshot().byEndpoint // { 'GET /products': { '200': 1 } }
 * ```
 */

/** What `driveTraffic` resolves to. */
export interface TrafficStats {
  /** Requests answered (any status). */
  requests: number
  /** Per endpoint (`GET /products/:id`), per status (`'200'`), the number of answers. */
  byEndpoint: Record<string, Record<string, number>>
  /** Per status, over all endpoints. */
  byStatus: Record<string, number>
  /** Requests that got no answer (connection refused or reset, timeout). */
  errors: number
  /** Up to 10 distinct messages: network errors and 5xx bodies. */
  errorSamples: string[]
  /** Wall-clock duration of the run. */
  durationMs: number
}

/** Accumulates a run's counts. */
export class TrafficRecorder {
  readonly #byEndpoint: Record<string, Record<string, number>> = {}
  readonly #byStatus: Record<string, number> = {}
  readonly #samples = new Set<string>()
  readonly #started = performance.now()
  #requests = 0
  #errors = 0

  /** Counts an answer. */
  record(endpoint: string, status: number, body?: string): void {
    this.#requests += 1
    const perStatus = this.#byEndpoint[endpoint] ?? {}
    this.#byEndpoint[endpoint] = perStatus
    perStatus[String(status)] = (perStatus[String(status)] ?? 0) + 1
    this.#byStatus[String(status)] = (this.#byStatus[String(status)] ?? 0) + 1
    if (status >= 500 && body !== undefined) this.#sample(`${endpoint} ${status}: ${body.slice(0, 200)}`)
  }

  /** Counts a request without an answer. */
  recordError(endpoint: string, error: unknown): void {
    this.#errors += 1
    this.#sample(`${endpoint}: ${error instanceof Error ? error.message : String(error)}`)
  }

  #sample(text: string): void {
    if (this.#samples.size < 10) this.#samples.add(text)
  }

  /** The counts so far. */
  snapshot(): TrafficStats {
    return {
      requests: this.#requests,
      byEndpoint: structuredClone(this.#byEndpoint),
      byStatus: { ...this.#byStatus },
      errors: this.#errors,
      errorSamples: [...this.#samples],
      durationMs: Math.round(performance.now() - this.#started),
    }
  }
}
