/**
 * The soak's traffic driver, run as its own process (`node --import tsx traffic-driver.ts`): the
 * shop's own `driveTraffic` at a steady concurrency for the whole run, in rounds, every
 * `SOAK_BURST_EVERY_MS` a short round with the pool-saturation burst. Steady and burst rounds are
 * reported apart (one JSON line per round on stdout), so the burst's documented 503s are told
 * apart from errors by construction instead of by guessing. SIGTERM ends the current round early;
 * its counts are still reported, then `{"event":"done"}`.
 *
 * Environment: SOAK_SHOP_URL, SOAK_DURATION_MS, SOAK_CONCURRENCY (default 4), SOAK_BURST_EVERY_MS.
 *
 * @example
 * ```sh
 * SOAK_SHOP_URL=http://127.0.0.1:8000 SOAK_DURATION_MS=60000 SOAK_BURST_EVERY_MS=30000 \
 *   node --import tsx test/soak/support/traffic-driver.ts
 * # {"event":"round","kind":"steady","startedAt":...,"endedAt":...,"stats":{...},"heapUsedMb":21.3,"rssMb":96.1}
 * ```
 */
import { driveTraffic } from '../../../examples/shop/traffic.js'
import type { TrafficRound } from './traffic-rounds.js'

/** A burst round: the wave arrives a third in (driveTraffic's timing) and is over well before the end. */
const BURST_ROUND_MS = 12_000

function required(name: string): string {
  const value = process.env[name]?.trim()
  if (!value) throw new Error(`${name} is not set (see the header of test/soak/support/traffic-driver.ts)`)
  return value
}

function positive(name: string, fallback?: number): number {
  const raw = process.env[name]?.trim()
  const value = raw ? Number(raw) : fallback
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} must be a positive number`)
  }
  return value
}

const baseUrl = required('SOAK_SHOP_URL')
const durationMs = positive('SOAK_DURATION_MS')
const concurrency = positive('SOAK_CONCURRENCY', 4)
const burstEveryMs = Math.max(positive('SOAK_BURST_EVERY_MS'), BURST_ROUND_MS * 2)

const stopping = new AbortController()
process.once('SIGTERM', () => stopping.abort())
process.once('SIGINT', () => stopping.abort())

const deadline = Date.now() + durationMs
let kind: TrafficRound['kind'] = 'steady'
while (!stopping.signal.aborted && Date.now() < deadline) {
  const left = deadline - Date.now()
  const roundMs = Math.min(left, kind === 'burst' ? BURST_ROUND_MS : burstEveryMs - BURST_ROUND_MS)
  // a burst round too short for its wave to finish is run as steady traffic
  const roundKind = kind === 'burst' && roundMs < BURST_ROUND_MS ? 'steady' : kind
  const startedAt = Date.now()
  const stats = await driveTraffic({
    baseUrl,
    durationMs: roundMs,
    concurrency,
    burst: roundKind === 'burst',
    signal: stopping.signal,
  })
  const memory = process.memoryUsage()
  const round: TrafficRound = {
    event: 'round',
    kind: roundKind,
    startedAt,
    endedAt: Date.now(),
    stats,
    heapUsedMb: memory.heapUsed / 2 ** 20,
    rssMb: memory.rss / 2 ** 20,
  }
  process.stdout.write(`${JSON.stringify(round)}\n`)
  kind = kind === 'steady' ? 'burst' : 'steady'
}
process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`)
