/**
 * Continuous traffic through the shop with its own `driveTraffic` (examples/shop/traffic.ts):
 * rounds of realistic requests (catalogue, orders, the slow sales report, the N+1 report), and
 * every few rounds a round with the pool-saturation burst. Each round's stats go to
 * `<demo dir>/logs/traffic.log`; a one-line summary is printed every minute. One shopper, with a
 * rest between rounds: enough for every page of the dashboard, light on a laptop. Stops when the
 * signal aborts (the round in flight is cut short).
 *
 * @example
 * ```ts
 * const traffic = startTrafficLoop({ baseUrl: 'http://127.0.0.1:8000', logFile, signal })
 * await traffic.done
 * ```
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { SHOP_DIR } from './paths.js'

/** How long a round of traffic lasts. */
export const ROUND_MS = 15_000
/** The quiet time between rounds (a demo on a laptop needs no load test: about 20 requests/s). */
export const REST_MS = 5_000
/** Every this many rounds, one with the pool burst. */
export const BURST_EVERY = 3

type DriveTraffic = (options: {
  baseUrl: string
  durationMs?: number
  signal?: AbortSignal
  concurrency?: number
  burst?: boolean
}) => Promise<unknown>

/** Totals over the loop's life. */
export interface TrafficTotals {
  rounds: number
  requests: number
  errors: number
}

/** A running loop. */
export interface TrafficLoop {
  /** Resolves when the loop stopped (after the signal aborted). */
  readonly done: Promise<void>
  totals(): TrafficTotals
}

/**
 * The number of requests and of failed ones in a round's stats, whatever their exact layout:
 * numbers under keys naming requests/total are counted, nested per-endpoint/per-status maps summed.
 */
function countOf(stats: unknown): { requests: number; errors: number } {
  if (typeof stats !== 'object' || stats === null) return { requests: 0, errors: 0 }
  const record = stats as Record<string, unknown>
  const number = (key: string) => (typeof record[key] === 'number' ? (record[key] as number) : undefined)
  const errorsValue = record.errors
  const errors =
    typeof errorsValue === 'number'
      ? errorsValue
      : Array.isArray(errorsValue)
        ? errorsValue.length
        : (number('failed') ?? 0)
  const requests =
    number('requests') ?? number('total') ?? number('sent') ?? sumLeaves(record.byStatus ?? record.statuses)
  return { requests, errors }
}

function sumLeaves(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value !== 'object' || value === null) return 0
  return Object.values(value).reduce<number>((total, item) => total + sumLeaves(item), 0)
}

async function loadDriveTraffic(): Promise<DriveTraffic> {
  const module = (await import(pathToFileURL(join(SHOP_DIR, 'traffic.ts')).href)) as { driveTraffic?: DriveTraffic }
  if (typeof module.driveTraffic !== 'function') {
    throw new Error('examples/shop/traffic.ts does not export driveTraffic({ baseUrl, durationMs, signal, burst })')
  }
  return module.driveTraffic
}

/**
 * Loads the shop's traffic driver (throws when it is missing) and starts the rounds.
 *
 * @example
 * ```ts
 * const loop = await startTrafficLoop({ baseUrl, logFile, signal, print: console.log })
 * ```
 */
export async function startTrafficLoop(options: {
  baseUrl: string
  logFile: string
  signal: AbortSignal
  print?: (line: string) => void
  concurrency?: number
}): Promise<TrafficLoop> {
  const driveTraffic = await loadDriveTraffic()
  const totals: TrafficTotals = { rounds: 0, requests: 0, errors: 0 }
  const log = (entry: Record<string, unknown>) =>
    appendFileSync(options.logFile, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`)
  let lastPrint = Date.now()
  let sincePrint = { requests: 0, errors: 0 }
  const done = (async () => {
    while (!options.signal.aborted) {
      const burst = totals.rounds % BURST_EVERY === 1
      try {
        const stats = await driveTraffic({
          baseUrl: options.baseUrl,
          durationMs: ROUND_MS,
          signal: options.signal,
          concurrency: options.concurrency ?? 1,
          burst,
        })
        const counted = countOf(stats)
        totals.rounds++
        totals.requests += counted.requests
        totals.errors += counted.errors
        sincePrint = { requests: sincePrint.requests + counted.requests, errors: sincePrint.errors + counted.errors }
        log({ round: totals.rounds, burst, stats })
        await sleep(REST_MS, undefined, { signal: options.signal }).catch(() => undefined)
      } catch (error) {
        if (options.signal.aborted) break
        totals.errors++
        log({ round: totals.rounds, burst, error: String(error) })
        await sleep(2000, undefined, { signal: options.signal }).catch(() => undefined)
      }
      if (Date.now() - lastPrint >= 60_000 && options.print) {
        options.print(
          `traffic: ${sincePrint.requests} requests in the last ${Math.round((Date.now() - lastPrint) / 1000)} s ` +
            `(${sincePrint.errors} failed; rounds so far ${totals.rounds}, details in ${options.logFile})`,
        )
        lastPrint = Date.now()
        sincePrint = { requests: 0, errors: 0 }
      }
    }
  })()
  return { done, totals: () => ({ ...totals }) }
}
