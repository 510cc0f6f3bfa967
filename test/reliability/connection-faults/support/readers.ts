/**
 * Concurrent readers outside any transaction, so the engine's transient retry (RETRY_ATTEMPTS,
 * RETRY_BACKOFF) is what carries them over a fault. Tallies the reads that succeeded, the errors
 * that reached the caller, the engine's retries (`retry` events) and the slowest read.
 *
 * @example
 * ```ts
 * const reads = startReaders({ readers: 3, pauseMs: 5 })
 * const tally = await reads.stop()
 * expect(tally.failed).toBe(0)
 * ```
 */
import { onDormEvent } from '@dorm/engine'
import { errorType } from './idempotent-writers.js'
import { LedgerEntry } from './ledger.js'

export interface ReaderTally {
  succeeded: number
  failed: number
  errorsByType: Record<string, number>
  /** `retry` events of the engine while the readers ran (every caller's, writers' reads included). */
  engineRetries: number
  /** The longest a read took, retries included (ms). */
  slowestReadMs: number
  /** performance.now() of each successful read. */
  successTimes: number[]
}

export interface ReaderRun {
  stop(): Promise<ReaderTally>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Starts `readers` loops of `count()` on the ledger. */
export function startReaders(options: { readers: number; pauseMs: number }): ReaderRun {
  const tally: ReaderTally = {
    succeeded: 0,
    failed: 0,
    errorsByType: {},
    engineRetries: 0,
    slowestReadMs: 0,
    successTimes: [],
  }
  const off = onDormEvent((event) => {
    if (event.type === 'retry') tally.engineRetries++
  })
  let stopping = false
  async function readerLoop(reader: number): Promise<void> {
    while (!stopping) {
      const start = performance.now()
      try {
        await LedgerEntry.objects.filter({ writer: reader }).count()
        tally.succeeded++
        tally.successTimes.push(performance.now())
      } catch (err) {
        tally.failed++
        const type = errorType(err)
        tally.errorsByType[type] = (tally.errorsByType[type] ?? 0) + 1
      }
      tally.slowestReadMs = Math.max(tally.slowestReadMs, performance.now() - start)
      await sleep(options.pauseMs)
    }
  }
  const loops = Array.from({ length: options.readers }, (_, reader) => readerLoop(reader))
  return {
    async stop() {
      stopping = true
      await Promise.all(loops)
      off()
      return tally
    },
  }
}
