/**
 * Concurrent writers that behave like real clients holding an idempotency key: each logical write
 * has a unique key, is sent with `getOrCreate({ key })`, and on any error is sent again with the
 * same key until it is acknowledged (or the writer's deadline passes, which leaves it unacknowledged
 * and so never counted as lost). Every error a caller sees is tallied by class and SQLSTATE.
 *
 * @example
 * ```ts
 * const run = startIdempotentWriters({ writers: 10, thinkMs: 2 })
 * // ... a fault ...
 * const result = await run.stop()
 * expect(result.acknowledged.size).toBeGreaterThan(0)
 * ```
 */
import { LedgerEntry } from './ledger.js'

export interface WriterOptions {
  writers: number
  /** Pause between two logical writes of one writer. */
  thinkMs: number
  /** Pause before re-sending a write that failed. Default 50 ms. */
  retryPauseMs?: number
  /** After `stop()`, how long a writer keeps re-sending an unacknowledged write. Default 30 s. */
  drainMs?: number
}

export interface WriterResult {
  /** Logical writes started (each key counted once however many times it was sent). */
  attempted: number
  /** Keys whose write resolved for the caller. */
  acknowledged: Set<string>
  /** Writes sent again by a caller after an error (the same key). */
  retried: number
  /** Keys given up at the deadline (never acknowledged). */
  abandoned: number
  /** Errors seen by callers, by `ErrorClass` or `ErrorClass(SQLSTATE)`. */
  errorsByType: Record<string, number>
  /** performance.now() of every acknowledgement, in order. */
  ackTimes: number[]
  /** One example message per error type (the first seen). */
  errorExamples: Record<string, string>
}

export interface WriterRun {
  /** Acknowledgements so far. */
  readonly acknowledgedCount: number
  /** performance.now() of the first acknowledgement at or after `since`, if any. */
  firstAckSince(since: number): number | undefined
  /** Stops starting new writes, lets pending ones finish, and resolves to the tally. */
  stop(): Promise<WriterResult>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The label an error is tallied under: its class, SQLSTATE or errno, and the statement's first word. */
export function errorType(err: unknown): string {
  if (!(err instanceof Error)) return typeof err
  const { vendorCode, sql } = err as { vendorCode?: unknown; sql?: unknown }
  const type = typeof vendorCode === 'string' ? `${err.name}(${vendorCode})` : err.name
  const statement = typeof sql === 'string' ? sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() : undefined
  return statement ? `${type} on ${statement}` : type
}

/** Starts the writers; they run until `stop()`. */
export function startIdempotentWriters(options: WriterOptions): WriterRun {
  const retryPauseMs = options.retryPauseMs ?? 50
  const drainMs = options.drainMs ?? 30_000
  const result: WriterResult = {
    attempted: 0,
    acknowledged: new Set(),
    retried: 0,
    abandoned: 0,
    errorsByType: {},
    ackTimes: [],
    errorExamples: {},
  }
  let stopping = false
  let drainDeadline = Number.POSITIVE_INFINITY

  async function writeOnce(writer: number, seq: number): Promise<void> {
    const key = `w${writer}-${seq}`
    result.attempted++
    for (let sent = 0; ; sent++) {
      if (sent > 0) result.retried++
      try {
        await LedgerEntry.objects.getOrCreate({ key }, { writer, seq })
        result.acknowledged.add(key)
        result.ackTimes.push(performance.now())
        return
      } catch (err) {
        const type = errorType(err)
        result.errorsByType[type] = (result.errorsByType[type] ?? 0) + 1
        result.errorExamples[type] ??= err instanceof Error ? err.message : String(err)
        if (performance.now() > drainDeadline) {
          result.abandoned++
          return
        }
        await sleep(retryPauseMs)
      }
    }
  }

  async function writerLoop(writer: number): Promise<void> {
    for (let seq = 0; !stopping; seq++) {
      await writeOnce(writer, seq)
      if (options.thinkMs > 0) await sleep(options.thinkMs)
    }
  }

  const loops = Array.from({ length: options.writers }, (_, writer) => writerLoop(writer))
  return {
    get acknowledgedCount() {
      return result.acknowledged.size
    },
    firstAckSince(since) {
      return result.ackTimes.find((time) => time >= since)
    },
    async stop() {
      stopping = true
      drainDeadline = performance.now() + drainMs
      await Promise.all(loops)
      return result
    },
  }
}
