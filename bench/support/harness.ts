/**
 * Shared measuring code for the side-by-side benchmarks: paired rounds, medians, core pinning and
 * the result table.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import type pg from 'pg'

/** One compared operation. */
export interface Comparison {
  label: string
  dorm: number
  raw: number
  ratio: number
  unit: string
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Microseconds per op over a batch of `n` sequential ops. */
export async function timeBatch(n: number, op: () => PromiseLike<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < n; i++) await op()
  return ((performance.now() - start) * 1000) / n
}

/**
 * Alternates dorm and raw rounds in pairs and reports the medians and the median of the per-pair
 * ratios, which cancels drift on a shared machine.
 */
export async function compare(
  label: string,
  rounds: number,
  perRound: number,
  dormOp: () => PromiseLike<unknown>,
  rawOp: () => PromiseLike<unknown>,
  unit = 'µs',
): Promise<Comparison> {
  await timeBatch(perRound, dormOp)
  await timeBatch(perRound, rawOp)
  const dormRounds: number[] = []
  const rawRounds: number[] = []
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      dormRounds.push(await timeBatch(perRound, dormOp))
      rawRounds.push(await timeBatch(perRound, rawOp))
    } else {
      rawRounds.push(await timeBatch(perRound, rawOp))
      dormRounds.push(await timeBatch(perRound, dormOp))
    }
  }
  const ratio = median(dormRounds.map((d, i) => d / (rawRounds[i] as number)))
  return { label, dorm: median(dormRounds), raw: median(rawRounds), ratio, unit }
}

/**
 * On a 2-core machine a round trip costs twice as much when client and server backend share a core,
 * and the scheduler decides per connection. Pin this process to core 0 and every server process to
 * core 1 (when the server is local and taskset works) so both sides run in the same placement.
 */
export async function pinCores(pool: pg.Pool): Promise<string> {
  try {
    const pids = (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity')).rows.map((r) => r.pid)
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
    for (const pid of pids) execFileSync('taskset', ['-p', '-c', '1', String(pid)], { stdio: 'ignore' })
    return `client pinned to core 0, ${pids.length} server processes to core 1`
  } catch (err) {
    return `not pinned (${(err as Error).message.split('\n')[0]}); expect noisy ratios`
  }
}

/** The installed version of a package. */
export function packageVersion(name: string): string {
  const require = createRequire(import.meta.url)
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version
}

/** Prints the comparison table. */
export function printTable(title: string, rows: readonly Comparison[], rawName: string): void {
  console.log(title)
  console.log('what'.padEnd(52), 'dorm'.padStart(12), rawName.padStart(12), 'ratio'.padStart(8))
  for (const r of rows) {
    console.log(
      r.label.padEnd(52),
      `${r.dorm.toFixed(2)} ${r.unit}`.padStart(12),
      `${r.raw.toFixed(2)} ${r.unit}`.padStart(12),
      `${r.ratio.toFixed(3)}x`.padStart(8),
    )
  }
}

/** The benchmark database URL, or exit with how to run the benchmark. */
export function benchUrl(name: string): string {
  const url = process.env.DORM_BENCH_PG_URL
  if (!url) {
    console.error(`DORM_BENCH_PG_URL is not set: run this through \`npm run bench -- ${name}\`.`)
    process.exit(2)
  }
  return url
}
