/** The acceptance goals (orm-perf-anchors.md section 2.3) evaluated on one run. */
import type { BenchReport, ContenderResult } from './results.js'

export interface GoalResult {
  goal: string
  measured: string
  met: boolean | null
  /** For time ratios: the same ratio at the median operation, and both sides' CV (a miss inside the noise shows here). */
  detail?: string
}

function find(report: BenchReport, backend: string, id: string, contender: string): ContenderResult | undefined {
  const r = report.workloads
    .find((w) => w.backend === backend && w.id === id)
    ?.results.find((c) => c.contender === contender)
  return r && !r.error ? r : undefined
}

/** Time ratio a/b (> 1 means a is slower). */
function timeRatio(a?: ContenderResult, b?: ContenderResult): number | null {
  return a && b ? b.ops_per_sec / a.ops_per_sec : null
}

const fmt = (v: number | null, digits = 2, suffix = 'x') => (v === null ? 'n/a' : `${v.toFixed(digits)}${suffix}`)

/** `CV 12% / 30%`: both sides' coefficient of variation. */
const cvPair = (a: ContenderResult, b: ContenderResult) => `CV ${Math.round(a.cv * 100)}% / ${Math.round(b.cv * 100)}%`

/** `p50 1.02x · CV 12% / 30%` for contender `a` against `b`. */
function spread(a?: ContenderResult, b?: ContenderResult): string | undefined {
  if (!a || !b) return undefined
  return `p50 ${(a.p50_us / b.p50_us).toFixed(2)}x · ${cvPair(a, b)}`
}
const check = (v: number | null, ok: (v: number) => boolean) => (v === null ? null : ok(v))

/**
 * Every goal with its measured value.
 *
 * @example
 * ```ts
 * for (const g of evaluateGoals(report)) console.log(g.goal, g.measured, g.met)
 * ```
 */
export function evaluateGoals(report: BenchReport): GoalResult[] {
  const pg = (id: string, c: string) => find(report, 'postgresql', id, c)
  const goals: GoalResult[] = []
  const w1 = timeRatio(pg('W1', 'dorm-5'), pg('W1', 'pg'))
  goals.push({
    goal: 'W1 dorm (threshold 5) ≤ 1.10x raw pg',
    measured: fmt(w1),
    met: check(w1, (v) => v <= 1.1),
    detail: spread(pg('W1', 'dorm-5'), pg('W1', 'pg')),
  })
  const w1off = timeRatio(pg('W1', 'dorm-off'), pg('W1', 'pg'))
  goals.push({
    goal: 'W1 dorm off ≤ 1.10x raw pg unnamed (same mode)',
    measured: fmt(w1off),
    met: check(w1off, (v) => v <= 1.1),
    detail: spread(pg('W1', 'dorm-off'), pg('W1', 'pg')),
  })
  const w1zero = timeRatio(pg('W1', 'dorm-0'), pg('W1', 'pg-named'))
  goals.push({
    goal: 'W1 dorm 0 ≤ 1.10x raw pg named (same mode)',
    measured: fmt(w1zero),
    met: check(w1zero, (v) => v <= 1.1),
    detail: spread(pg('W1', 'dorm-0'), pg('W1', 'pg-named')),
  })
  const w2 = pg('W2', 'dorm-5')
  const w2raw = w2 && pg('W2', 'pg') ? w2.ops_per_sec / (pg('W2', 'pg') as ContenderResult).ops_per_sec : null
  goals.push({ goal: 'W2 throughput ≥ 0.90x raw pg', measured: fmt(w2raw), met: check(w2raw, (v) => v >= 0.9) })
  for (const peer of ['drizzle', 'kysely', 'prisma']) {
    const p = pg('W2', peer)
    const ratio = w2 && p ? w2.ops_per_sec / p.ops_per_sec : null
    goals.push({ goal: `W2 throughput ≥ ${peer}`, measured: fmt(ratio), met: check(ratio, (v) => v >= 1) })
  }
  const w3 = pg('W3', 'dorm-5')?.p50_us ?? null
  goals.push({
    goal: 'W3 idle checkout + release ≤ 2 µs (p50)',
    measured: fmt(w3, 2, ' µs'),
    met: check(w3, (v) => v <= 2),
  })
  const w5 = timeRatio(pg('W5', 'dorm-5'), pg('W5', 'pg'))
  goals.push({ goal: 'W5 instances ≤ 1.25x raw pg', measured: fmt(w5), met: check(w5, (v) => v <= 1.25) })
  const w5v = timeRatio(pg('W5v', 'dorm-5'), pg('W5v', 'pg'))
  goals.push({ goal: 'W5 values() ≤ 1.10x raw pg', measured: fmt(w5v), met: check(w5v, (v) => v <= 1.1) })
  const w6 = pg('W6', 'dorm-5')?.statements?.queries ?? null
  goals.push({
    goal: 'W6 query count 2 (100 users)',
    measured: w6 === null ? 'n/a' : String(w6),
    met: check(w6, (v) => v === 2),
  })
  const w8 =
    pg('W8', 'dorm-5') && pg('W8', 'pg')
      ? (pg('W8', 'dorm-5') as ContenderResult).ops_per_sec / (pg('W8', 'pg') as ContenderResult).ops_per_sec
      : null
  goals.push({
    goal: 'W8 bulkCreate ≥ 0.8x raw multi-VALUES throughput',
    measured: fmt(w8),
    met: check(w8, (v) => v >= 0.8),
  })
  const w12 = pg('W12', 'dorm-5')?.mean_us ?? null
  goals.push({
    goal: 'W12 compile (cached shape, build included) ≤ 10 µs',
    measured: fmt(w12, 2, ' µs'),
    met: check(w12, (v) => v <= 10),
  })
  const w12h = pg('W12h', 'dorm-5')?.per_item_ns ?? null
  goals.push({
    goal: 'W12 hydrate ≤ 1 µs/row',
    measured: fmt(w12h === null ? null : w12h / 1000, 3, ' µs/row'),
    met: check(w12h, (v) => v <= 1000),
  })
  for (const [id, target] of [
    ['W4', 1.1],
    ['W6', 1.3],
    ['W7', 1.1],
    ['W9', 1.15],
    ['W9d', 1.15],
    ['W10', 1.15],
    ['W10c8', 1.15],
    ['W11', 1.1],
    ['W11c', 1.1],
  ] as const) {
    const ratio = timeRatio(pg(id, 'dorm-5'), pg(id, 'pg'))
    goals.push({
      goal: `${id} ≤ ${target.toFixed(2)}x raw pg (section 2.3)`,
      measured: fmt(ratio),
      met: check(ratio, (v) => v <= target),
      detail: spread(pg(id, 'dorm-5'), pg(id, 'pg')),
    })
  }
  const hooks = timeRatio(pg('W1', 'dorm-hooks'), pg('W1', 'dorm-5'))
  goals.push({
    goal: 'W1 with a postQuery receiver + no-op OpenTelemetry ≤ 1.05x bare (section 2.3)',
    measured: fmt(hooks),
    met: check(hooks, (v) => v <= 1.05),
    detail: spread(pg('W1', 'dorm-hooks'), pg('W1', 'dorm-5')),
  })
  const s = find(report, 'sqlite', 'W1', 'dorm-sqlite')
  const sRaw = find(report, 'sqlite', 'W1', 'better-sqlite3')
  const sqliteOver = s && sRaw ? s.mean_us - sRaw.mean_us : null
  goals.push({
    goal: 'SQLite W1 ≤ 3 µs over raw better-sqlite3',
    measured: fmt(sqliteOver, 2, ' µs'),
    met: check(sqliteOver, (v) => v <= 3),
    detail: s && sRaw ? `p50 +${(s.p50_us - sRaw.p50_us).toFixed(2)} µs · ${cvPair(s, sRaw)}` : undefined,
  })
  return goals
}
