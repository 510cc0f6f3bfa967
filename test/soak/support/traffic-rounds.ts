/**
 * Adding up the traffic driver's rounds (one JSON line each, see `traffic-driver.ts`) into the
 * soak's traffic figures and its error rate. What counts as an error: a request without an answer
 * (refused, reset, timed out), or a 5xx answer, except the 503s of a burst round: a burst
 * saturates the shop's pool on purpose and its PoolTimeout answers (503, `Retry-After: 1`) are
 * the documented outcome (examples/shop/README.md "Traffic"). A 503 in a steady round is an error.
 *
 * @example
 * ```ts
 * const totals = new TrafficTotals()
 * driver.onStdoutLine((line) => totals.addLine(line))
 * totals.errorRate() // 0.0004
 * ```
 */
import type { TrafficStats } from '../../../examples/shop/traffic.js'

/** One round reported by the driver. */
export interface TrafficRound {
  event: 'round'
  kind: 'steady' | 'burst'
  startedAt: number
  endedAt: number
  stats: TrafficStats
  /** The driver's own heap and RSS at the end of the round. */
  heapUsedMb: number
  rssMb: number
}

/** What a round adds up to, for the figures. */
export interface RoundSummary {
  kind: TrafficRound['kind']
  seconds: number
  requests: number
  networkErrors: number
  serverErrors: number
  excusedBurst503: number
}

function count(byStatus: Record<string, number>, test: (status: number) => boolean): number {
  return Object.entries(byStatus).reduce((sum, [status, n]) => sum + (test(Number(status)) ? n : 0), 0)
}

/** The sum of every round so far. */
export class TrafficTotals {
  readonly rounds: RoundSummary[] = []
  readonly byStatus: Record<string, number> = {}
  readonly byEndpoint: Record<string, Record<string, number>> = {}
  readonly errorSamples = new Set<string>()
  readonly driverHeapMb: number[] = []
  /** Lines that were not a round (anything else the driver printed). */
  readonly otherLines: string[] = []
  done = false

  /** Adds one line of the driver's stdout. */
  addLine(line: string): void {
    let parsed: { event?: string } | undefined
    try {
      parsed = JSON.parse(line) as { event?: string }
    } catch {
      parsed = undefined
    }
    if (parsed?.event === 'done') {
      this.done = true
      return
    }
    if (parsed?.event !== 'round') {
      if (this.otherLines.length < 50) this.otherLines.push(line)
      return
    }
    this.add(parsed as TrafficRound)
  }

  /** Adds one round. */
  add(round: TrafficRound): void {
    const { stats } = round
    const serverErrors = count(stats.byStatus, (status) => status >= 500)
    const burst503 = round.kind === 'burst' ? (stats.byStatus['503'] ?? 0) : 0
    this.rounds.push({
      kind: round.kind,
      seconds: Math.round((round.endedAt - round.startedAt) / 1000),
      requests: stats.requests,
      networkErrors: stats.errors,
      serverErrors: serverErrors - burst503,
      excusedBurst503: burst503,
    })
    for (const [status, n] of Object.entries(stats.byStatus)) this.byStatus[status] = (this.byStatus[status] ?? 0) + n
    for (const [endpoint, statuses] of Object.entries(stats.byEndpoint)) {
      const into = this.byEndpoint[endpoint] ?? {}
      this.byEndpoint[endpoint] = into
      for (const [status, n] of Object.entries(statuses)) into[status] = (into[status] ?? 0) + n
    }
    for (const sample of stats.errorSamples) if (this.errorSamples.size < 20) this.errorSamples.add(sample)
    this.driverHeapMb.push(round.heapUsedMb)
  }

  /** Answered requests. */
  requests(): number {
    return this.rounds.reduce((sum, round) => sum + round.requests, 0)
  }

  /** Requests without an answer, plus 5xx answers outside the bursts' 503s. */
  errors(): number {
    return this.rounds.reduce((sum, round) => sum + round.networkErrors + round.serverErrors, 0)
  }

  /** The 503s of burst rounds (the documented PoolTimeout answers). */
  excusedBurst503(): number {
    return this.rounds.reduce((sum, round) => sum + round.excusedBurst503, 0)
  }

  /** errors / attempted requests (0 when nothing was attempted). */
  errorRate(): number {
    const attempted = this.requests() + this.rounds.reduce((sum, round) => sum + round.networkErrors, 0)
    return attempted === 0 ? 0 : this.errors() / attempted
  }
}
