/**
 * Benchmark size and selection, from environment variables (defaults: the full run of
 * `npm run bench`):
 *
 *   BENCH_USERS=100000 BENCH_POSTS=500000   seeded rows
 *   BENCH_WARMUP=3 BENCH_ROUNDS=7           interleaved rounds per workload
 *   BENCH_SCALE=1                           multiplies the operations per round (0.1 for a smoke run)
 *   BENCH_POOL=10                           pool size of every contender
 *   BENCH_WORKLOADS=W1,W5                   only these workloads (ids or prefixes)
 *   BENCH_CONTENDERS=pg,dorm-5              only these contenders
 *   BENCH_BACKENDS=postgresql,sqlite        only these backends
 *   BENCH_NO_PIN=1                          do not pin cores with taskset
 *   BENCH_OUT=docs/benchmarks.md            the Markdown report (the JSON is written next to it)
 *   BENCH_FROM_JSON=docs/benchmarks.json    only rewrite the Markdown from that JSON (npx tsx bench/run-all.ts)
 */

export interface BenchConfig {
  users: number
  posts: number
  warmup: number
  rounds: number
  scale: number
  poolMax: number
  workloads: string[] | null
  contenders: string[] | null
  backends: string[] | null
  pin: boolean
  out: string
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got '${raw}'. Unset it to use ${fallback}.`)
  }
  return value
}

function listFromEnv(name: string): string[] | null {
  const raw = process.env[name]?.trim()
  return raw ? raw.split(',').map((s) => s.trim()) : null
}

/**
 * Reads the configuration; a malformed value throws with the variable's name and how to fix it.
 *
 * @example
 * ```ts
 * const config = readConfig() // BENCH_USERS=1000 BENCH_POSTS=5000 BENCH_ROUNDS=1 for a smoke run
 * ```
 */
export function readConfig(): BenchConfig {
  const users = intFromEnv('BENCH_USERS', 100_000, 200)
  const posts = intFromEnv('BENCH_POSTS', 500_000, 10_000)
  const scaleRaw = process.env.BENCH_SCALE
  const scale = scaleRaw ? Number(scaleRaw) : 1
  if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got '${scaleRaw}'.`)
  return {
    users,
    posts,
    warmup: intFromEnv('BENCH_WARMUP', 3, 0),
    rounds: intFromEnv('BENCH_ROUNDS', 7, 1),
    scale,
    poolMax: intFromEnv('BENCH_POOL', 10, 1),
    workloads: listFromEnv('BENCH_WORKLOADS'),
    contenders: listFromEnv('BENCH_CONTENDERS'),
    backends: listFromEnv('BENCH_BACKENDS'),
    pin: process.env.BENCH_NO_PIN !== '1',
    out: process.env.BENCH_OUT ?? 'docs/benchmarks.md',
  }
}
