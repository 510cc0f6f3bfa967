/**
 * Realistic traffic against a running shop, for demos, the dashboard and tests: shoppers browse,
 * look at products, place orders (some replayed with the same Idempotency-Key), upload images; an
 * operator's probe and scraper hit /healthz and /metrics; now and then someone opens the slow and
 * the naive reports. With `burst`, a wave of `/reports/hold` requests saturates the primary's pool
 * once, a third into the run: pool waits, and `PoolTimeout` answers (503) for requests that
 * wait longer than POOL_TIMEOUT, which is the burst's point.
 *
 * CLI: `node --import tsx examples/shop/traffic.ts --url http://127.0.0.1:8000 --duration 60
 * [--concurrency 4] [--burst]`, printing the stats as JSON.
 *
 * @example
 * ```ts
 * const stats = await driveTraffic({ baseUrl: 'http://127.0.0.1:8000', durationMs: 10_000, burst: true })
 * stats.byEndpoint['POST /orders'] // { '201': 40, '200': 4 }
 * ```
 */
import { setMaxListeners } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ShopClient } from './traffic/shop-client.js'
import { TrafficRecorder, type TrafficStats } from './traffic/traffic-stats.js'

export type { TrafficStats } from './traffic/traffic-stats.js'

/** Options of {@link driveTraffic}. */
export interface TrafficOptions {
  /** The shop's base URL (`http://127.0.0.1:8000`). */
  baseUrl: string
  /** How long to run; default 10 s. */
  durationMs?: number
  /** Stops the run early. */
  signal?: AbortSignal
  /** Simultaneous shoppers; default 4. */
  concurrency?: number
  /** A pool-saturation wave at mid-run: true for 12 holds of 2 s, or the numbers. Default off. */
  burst?: boolean | { requests?: number; holdMs?: number }
}

/** What each shopper does, with its weight. */
const MIX: readonly [weight: number, action: (client: ShopClient) => Promise<unknown>][] = [
  [30, (c) => c.listProducts()],
  [25, (c) => c.showProduct()],
  [15, (c) => c.placeOrder()],
  [10, (c) => c.showOrder()],
  [6, (c) => c.call('GET /healthz', '/healthz')],
  [4, (c) => c.call('GET /reports/customers-naive', '/reports/customers-naive')],
  [3, (c) => c.call('GET /metrics', '/metrics')],
  [3, (c) => c.uploadImage()],
  [2, (c) => c.call('GET /reports/sales', '/reports/sales')],
  [2, (c) => c.call('GET /nope', '/no-such-page')],
]
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0)

function nextAction(): (client: ShopClient) => Promise<unknown> {
  let roll = Math.random() * TOTAL_WEIGHT
  for (const [weight, action] of MIX) {
    roll -= weight
    if (roll < 0) return action
  }
  return (MIX[0] as (typeof MIX)[number])[1]
}

function checkPositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`)
  return value
}

/**
 * Runs the traffic mix for `durationMs` (or until `signal` aborts) and resolves to the counts.
 * Never rejects because of the shop's answers: every status is counted, unanswered requests too.
 *
 * @example
 * ```ts
 * const { byStatus } = await driveTraffic({ baseUrl, durationMs: 5000 })
 * ```
 */
export async function driveTraffic(options: TrafficOptions): Promise<TrafficStats> {
  const durationMs = checkPositive('durationMs', options.durationMs ?? 10_000)
  const concurrency = Math.floor(checkPositive('concurrency', options.concurrency ?? 4))
  new URL(options.baseUrl) // a bad URL fails here, with the URL in the message
  const stop = new AbortController()
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal])
  const timer = setTimeout(() => stop.abort(), durationMs)
  const stats = new TrafficRecorder()
  const client = new ShopClient(options.baseUrl, stats, signal)
  // the wave is timed from the start and is not cut by the end of the run (its holds are bounded),
  // only by the caller's signal
  const burst = options.burst === true ? {} : options.burst || undefined
  const waveStop = new AbortController()
  const endWave = () => waveStop.abort(options.signal?.reason)
  if (options.signal?.aborted) endWave()
  else options.signal?.addEventListener('abort', endWave, { once: true })
  // each request in flight listens on its client's signal: up to `concurrency`, or the wave's size
  setMaxListeners(concurrency + 1, signal)
  setMaxListeners((burst?.requests ?? 12) + 1, waveStop.signal)
  const waveClient = new ShopClient(options.baseUrl, stats, waveStop.signal)
  const wave =
    burst === undefined
      ? Promise.resolve()
      : sleep(durationMs / 3, undefined, { signal }).then(
          () => Promise.all(Array.from({ length: burst.requests ?? 12 }, () => waveClient.hold(burst.holdMs ?? 2000))),
          () => undefined, // the run ended (or was aborted) first
        )
  try {
    await client.discover()
    const shoppers = Array.from({ length: concurrency }, async () => {
      while (!signal.aborted) await nextAction()(client)
    })
    await Promise.all([...shoppers, wave])
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', endWave)
  }
  return stats.snapshot()
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8000' },
      duration: { type: 'string', default: '60' },
      concurrency: { type: 'string', default: '4' },
      burst: { type: 'boolean', default: false },
    },
  })
  const controller = new AbortController()
  process.once('SIGINT', () => controller.abort())
  const stats = await driveTraffic({
    baseUrl: values.url,
    durationMs: Number(values.duration) * 1000,
    concurrency: Number(values.concurrency),
    burst: values.burst,
    signal: controller.signal,
  })
  process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli().catch((err: unknown) => {
    process.stderr.write(`traffic: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(2)
  })
}
