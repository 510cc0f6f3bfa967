import { getLogger } from './db/logging.js'

const signalsLogger = getLogger('dorm.signals')

/** Options of {@link Signal.connect}. */
export interface ConnectOptions {
  /** Only call the receiver for payloads whose `sender` is this value. */
  sender?: unknown
  /** A key that makes connecting twice a no-op and lets `disconnect` find the receiver. */
  dispatchUid?: string
}

interface Connection<P> {
  receiver: (payload: P) => unknown
  sender: unknown
  hasSender: boolean
  dispatchUid: string | undefined
}

/**
 * A synchronous event with receivers, as in Django. A receiver that throws (or returns a promise
 * that rejects) is logged at ERROR on `dorm.signals` with its stack and never breaks the caller.
 *
 * @example
 * ```ts
 * import { postQuery } from '@dorm/engine'
 * postQuery.connect(({ alias, sql, elapsed_ms }) => console.log(alias, elapsed_ms, sql))
 * ```
 */
export class Signal<P extends { sender: unknown }> {
  readonly name: string
  #connections: Connection<P>[] = []

  constructor(name: string) {
    this.name = name
  }

  /** True when at least one receiver is connected (the query path skips building payloads otherwise). */
  get hasReceivers(): boolean {
    return this.#connections.length > 0
  }

  connect(receiver: (payload: P) => unknown, options: ConnectOptions = {}): void {
    const exists = this.#connections.some((c) =>
      options.dispatchUid !== undefined ? c.dispatchUid === options.dispatchUid : c.receiver === receiver,
    )
    if (exists) return
    // copy on write: a receiver that connects or disconnects during send() does not disturb it
    this.#connections = [
      ...this.#connections,
      { receiver, sender: options.sender, hasSender: 'sender' in options, dispatchUid: options.dispatchUid },
    ]
  }

  /** Removes a receiver (by function or by `dispatchUid`). Returns whether one was removed. */
  disconnect(receiver?: (payload: P) => unknown, options: { dispatchUid?: string } = {}): boolean {
    const before = this.#connections.length
    this.#connections = this.#connections.filter((c) =>
      options.dispatchUid !== undefined ? c.dispatchUid !== options.dispatchUid : c.receiver !== receiver,
    )
    return this.#connections.length !== before
  }

  /** Calls every matching receiver in connection order. Never throws. */
  send(payload: P): void {
    for (const c of this.#connections) {
      if (c.hasSender && c.sender !== payload.sender) continue
      try {
        const result = c.receiver(payload)
        if (result instanceof Promise) result.catch((err: unknown) => this.#report(c, err))
      } catch (err) {
        this.#report(c, err)
      }
    }
  }

  #report(c: Connection<P>, err: unknown): void {
    const receiverName = c.receiver.name || '<anonymous>'
    signalsLogger.error(
      `receiver ${receiverName} of signal ${this.name} raised: ${err instanceof Error ? err.message : String(err)}`,
      { signal: this.name, receiver: receiverName },
      err,
    )
  }
}

/** Payload of {@link preQuery}. */
export interface PreQueryPayload {
  /** The vendor: `postgresql`, `sqlite` or `libsql`. */
  sender: string
  alias: string
  sql: string
  params: readonly unknown[]
}

/** Payload of {@link postQuery}: {@link PreQueryPayload} plus timing and outcome. */
export interface PostQueryPayload extends PreQueryPayload {
  elapsed_ms: number
  /** The error the statement raised, or null on success. */
  error: Error | null
}

/** Sent before every statement dorm executes. */
export const preQuery = new Signal<PreQueryPayload>('preQuery')
/** Sent after every statement dorm executes, with `elapsed_ms` and `error`. */
export const postQuery = new Signal<PostQueryPayload>('postQuery')

/** Payload of {@link preSave} / {@link postSave}. */
export interface SavePayload {
  /** The model class. */
  sender: unknown
  instance: unknown
  using: string
  updateFields: readonly string[] | null
  /** postSave only: true when the save inserted a row. */
  created?: boolean
}

/** Payload of {@link preDelete} / {@link postDelete}. */
export interface DeletePayload {
  sender: unknown
  instance: unknown
  using: string
}

/** Sent before an instance is saved. */
export const preSave = new Signal<SavePayload>('preSave')
/** Sent after an instance is saved, with `created`. */
export const postSave = new Signal<SavePayload>('postSave')
/** Sent before an instance is deleted. */
export const preDelete = new Signal<DeletePayload>('preDelete')
/** Sent after an instance is deleted. */
export const postDelete = new Signal<DeletePayload>('postDelete')
