/**
 * Waiting for a started server: polls a URL until it answers 2xx, failing early (with the
 * process's last output) when the process exits, and on a deadline.
 *
 * @example
 * ```ts
 * await waitForHttp({ url: 'http://127.0.0.1:3000/api/v1/health', process: server, what: 'the dashboard', fix: '...' })
 * ```
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ManagedProcess } from './processes.js'
import { Interrupted, StepFailure } from './steps.js'

/**
 * Resolves once `url` answers 2xx.
 *
 * @example
 * ```ts
 * await waitForHttp({ url, process: shop, what: 'the shop', fix: 'read the log', timeoutMs: 30_000 })
 * ```
 */
export async function waitForHttp(options: {
  url: string
  process: ManagedProcess
  what: string
  fix: string
  timeoutMs?: number
  signal?: AbortSignal
}): Promise<void> {
  const { process: child } = options
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  let exited = false
  void child.exited.then(() => {
    exited = true
  })
  for (;;) {
    if (options.signal?.aborted) throw new Interrupted()
    if (exited) {
      const exit = await child.exited
      throw new StepFailure(`${options.what} exited with ${exit.code ?? exit.signal} before answering.`, options.fix, {
        logFile: child.logFile,
        details: child.tail(25),
      })
    }
    try {
      const response = await fetch(options.url, { signal: AbortSignal.timeout(2000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new StepFailure(
        `${options.what} did not answer ${options.url} within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s.`,
        options.fix,
        { logFile: child.logFile, details: child.tail(25) },
      )
    }
    await sleep(250)
  }
}
