/**
 * A session shared by every statement of one pinned async context. A PostgreSQL connection runs
 * one statement at a time, and one context can start several at once (`Promise.all`): they are
 * queued here, in call order, instead of relying on the driver, and each is counted.
 */
import type { DriverSession, QueryResult, Row } from '../../backends/base/base-connection.js'

/**
 * Wraps `inner` so its statements run one after the other; `onStatement` is called as each starts.
 *
 * @example
 * ```ts
 * const session = new SerializedSession(lease.session, () => stats.queries++)
 * await Promise.all([session.query('SELECT 1', []), session.query('SELECT 2', [])]) // one after the other
 * ```
 */
export class SerializedSession implements DriverSession {
  readonly #inner: DriverSession
  readonly #onStatement: () => void
  /** Settles when the last statement queued so far has finished. */
  #tail: Promise<void> = Promise.resolve()
  #inFlight = 0

  constructor(inner: DriverSession, onStatement: () => void = () => undefined) {
    this.#inner = inner
    this.#onStatement = onStatement
  }

  /** Statements queued or running. */
  get inFlight(): number {
    return this.#inFlight
  }

  async query(sql: string, params: readonly unknown[], deadlineMs?: number): Promise<QueryResult> {
    const release = await this.#turn()
    try {
      this.#onStatement()
      return await this.#inner.query(sql, params, deadlineMs)
    } finally {
      release()
    }
  }

  async *streamChunks(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterable<Row[]> {
    // the connection is held until the stream ends, so a statement issued inside the loop would wait
    // forever: executeStreaming() takes a connection of its own in a pinned block instead
    const release = await this.#turn()
    try {
      this.#onStatement()
      yield* this.#inner.streamChunks(sql, params, chunkSize)
    } finally {
      release()
    }
  }

  /** Waits for the statements queued before this one; resolves to the function that lets the next one run. */
  #turn(): Promise<() => void> {
    this.#inFlight++
    let release: () => void = () => undefined
    const finished = new Promise<void>((resolve) => {
      let released = false
      release = () => {
        if (released) return
        released = true
        this.#inFlight--
        resolve()
      }
    })
    const previous = this.#tail
    this.#tail = finished
    return previous.then(() => release)
  }
}
