/**
 * Counts the promise rejections nobody handled while a scenario runs: a fault must surface as an
 * error to the caller, never as a rejection lost in the background.
 *
 * @example
 * ```ts
 * const unhandled = countUnhandledRejections()
 * // ... the fault ...
 * expect(unhandled.stop()).toEqual([])
 * ```
 */
export interface UnhandledRejectionCounter {
  /** Stops counting; returns a description of each unhandled rejection seen. */
  stop(): string[]
}

/** Starts counting `unhandledRejection` events of this process. */
export function countUnhandledRejections(): UnhandledRejectionCounter {
  const seen: string[] = []
  const listener = (reason: unknown) => {
    seen.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason))
  }
  process.on('unhandledRejection', listener)
  return {
    stop() {
      process.off('unhandledRejection', listener)
      return seen
    },
  }
}
