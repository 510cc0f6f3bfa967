/**
 * Judging a process's memory over the soak: min/mean/max per window after the warm-up, the mean of
 * the first window against the mean of the last (flat within 10% means last ≤ 1.10 × first), and
 * the trend as a least-squares slope in MB per hour over every sample after the warm-up.
 *
 * @example
 * ```ts
 * const verdict = judgeMemory(points, { warmupMs: 300_000, windowMs: 300_000 })
 * verdict.growth // 1.03: the last window's mean is 3% above the first's
 * ```
 */

/** One memory reading: milliseconds since the traffic started, and MB. */
export interface MemoryPoint {
  atMs: number
  mb: number
}

/** Min/mean/max of the readings in [fromMs, toMs). */
export interface WindowFigures {
  fromS: number
  toS: number
  samples: number
  min: number
  mean: number
  max: number
}

/** What {@link judgeMemory} concludes. */
export interface MemoryVerdict {
  /** Every full window after the warm-up, back to back. */
  windows: WindowFigures[]
  /** The first window after the warm-up. */
  first: WindowFigures
  /** The window ending at the last sample. */
  last: WindowFigures
  /** last.mean / first.mean */
  growth: number
  /** Least-squares slope after the warm-up. */
  slopeMbPerHour: number
}

const round1 = (value: number) => Math.round(value * 10) / 10

/**
 * Figures of the points in [fromMs, toMs).
 *
 * @example
 * ```ts
 * windowFigures([{ atMs: 0, mb: 10 }, { atMs: 5, mb: 20 }], 0, 10) // { samples: 2, min: 10, mean: 15, max: 20, ... }
 * ```
 */
export function windowFigures(points: readonly MemoryPoint[], fromMs: number, toMs: number): WindowFigures {
  const inside = points.filter((point) => point.atMs >= fromMs && point.atMs < toMs).map((point) => point.mb)
  if (inside.length === 0) {
    throw new Error(
      `no memory sample between ${fromMs / 1000} s and ${toMs / 1000} s: the run is too short for its windows`,
    )
  }
  return {
    fromS: Math.round(fromMs / 1000),
    toS: Math.round(toMs / 1000),
    samples: inside.length,
    min: round1(Math.min(...inside)),
    mean: round1(inside.reduce((sum, mb) => sum + mb, 0) / inside.length),
    max: round1(Math.max(...inside)),
  }
}

/**
 * Least-squares slope of MB over time, in MB per hour (0 with fewer than two distinct times).
 *
 * @example
 * ```ts
 * slopeMbPerHour([{ atMs: 0, mb: 100 }, { atMs: 3_600_000, mb: 110 }]) // 10
 * ```
 */
export function slopeMbPerHour(points: readonly MemoryPoint[]): number {
  const n = points.length
  if (n < 2) return 0
  const hours = points.map((point) => point.atMs / 3_600_000)
  const meanX = hours.reduce((sum, x) => sum + x, 0) / n
  const meanY = points.reduce((sum, point) => sum + point.mb, 0) / n
  let covariance = 0
  let variance = 0
  points.forEach((point, i) => {
    const dx = (hours[i] as number) - meanX
    covariance += dx * (point.mb - meanY)
    variance += dx * dx
  })
  return variance === 0 ? 0 : round1(covariance / variance)
}

/**
 * Windows, growth and slope of one process's readings.
 *
 * @example
 * ```ts
 * judgeMemory(points, { warmupMs: 60_000, windowMs: 40_000 }).growth <= 1.1
 * ```
 */
export function judgeMemory(
  points: readonly MemoryPoint[],
  plan: { warmupMs: number; windowMs: number },
): MemoryVerdict {
  const after = points.filter((point) => point.atMs >= plan.warmupMs)
  if (after.length === 0) throw new Error(`no memory sample after the warm-up (${plan.warmupMs / 1000} s)`)
  const endMs = Math.max(...after.map((point) => point.atMs)) + 1
  const windows: WindowFigures[] = []
  for (let from = plan.warmupMs; from + plan.windowMs <= endMs; from += plan.windowMs) {
    windows.push(windowFigures(after, from, from + plan.windowMs))
  }
  const first = windowFigures(after, plan.warmupMs, plan.warmupMs + plan.windowMs)
  const last = windowFigures(after, endMs - plan.windowMs, endMs)
  return {
    windows,
    first,
    last,
    growth: Math.round((last.mean / first.mean) * 1000) / 1000,
    slopeMbPerHour: slopeMbPerHour(after),
  }
}
