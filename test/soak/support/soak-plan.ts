/**
 * How long the soak runs and how its samples are judged, from the environment: `SOAK_MINUTES`
 * (default 30), `SOAK_WARMUP_MINUTES` (default 5). After the warm-up, memory is compared between
 * the first and the last window of `min(5 min, a third of the post-warm-up time)`, so a 3-minute
 * run with a 1-minute warm-up still has two distinct windows.
 *
 * @example
 * ```ts
 * const plan = soakPlan({ SOAK_MINUTES: '3', SOAK_WARMUP_MINUTES: '1' })
 * plan.windowMs // 40_000
 * ```
 */

/** The soak's timings, in milliseconds. */
export interface SoakPlan {
  /** The whole run, from the moment traffic starts. */
  durationMs: number
  /** Samples before this are not judged (caches, JIT, pools filling). */
  warmupMs: number
  /** Length of the windows compared (first after warm-up vs last). */
  windowMs: number
  /** Time between two memory samples. */
  sampleEveryMs: number
  /** Time between two readings of the memory retained after a full collection (4+ per window). */
  gcEveryMs: number
  /** Time between two pool-saturation bursts of the traffic. */
  burstEveryMs: number
}

/** Longest comparison window. */
const MAX_WINDOW_MS = 5 * 60_000
/** Longest time between two bursts. */
const MAX_BURST_EVERY_MS = 2 * 60_000

function minutes(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name}=${JSON.stringify(raw)} is not a positive number of minutes: set e.g. ${fallback}.`)
  }
  return value
}

/**
 * Reads the plan; refuses a warm-up that leaves no time to judge.
 *
 * @example
 * ```ts
 * soakPlan(process.env).durationMs // 1_800_000 by default
 * ```
 */
export function soakPlan(env: Record<string, string | undefined> = process.env): SoakPlan {
  const durationMs = Math.round(minutes(env, 'SOAK_MINUTES', 30) * 60_000)
  const warmupMs = Math.round(minutes(env, 'SOAK_WARMUP_MINUTES', 5) * 60_000)
  if (durationMs - warmupMs < 60_000) {
    throw new RangeError(
      `SOAK_MINUTES (${durationMs / 60_000}) must exceed SOAK_WARMUP_MINUTES (${warmupMs / 60_000}) by at least 1 minute, ` +
        'so that memory after the warm-up can be compared: e.g. SOAK_MINUTES=3 SOAK_WARMUP_MINUTES=1.',
    )
  }
  const windowMs = Math.min(MAX_WINDOW_MS, Math.floor((durationMs - warmupMs) / 3))
  const sampleEveryMs = 10_000
  return {
    durationMs,
    warmupMs,
    windowMs,
    sampleEveryMs,
    gcEveryMs: Math.max(sampleEveryMs, Math.min(60_000, Math.floor(windowMs / 4))),
    burstEveryMs: Math.min(MAX_BURST_EVERY_MS, Math.floor(durationMs / 3)),
  }
}
