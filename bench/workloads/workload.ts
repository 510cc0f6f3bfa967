/**
 * What a workload is: the operation every contender runs (timed), its concurrency and size, the
 * untimed preparation of each operation, and the fixed-input call whose result is checksummed.
 */
import type { Backend, Contender, EventRow } from '../contenders/contender.js'

/** What a workload's child process has at hand. */
export interface WorkloadContext {
  users: number
  posts: number
  /** Deterministic random numbers: every contender of a workload sees the same sequence. */
  random(): number
  /** A random integer in [1, max]. */
  randomInt(max: number): number
  /** Untimed SQL on the benchmark database (setup of an operation), outside the contender. */
  admin(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>
}

/**
 * One workload of the suite.
 *
 * @example
 * ```ts
 * const w1: Workload = { id: 'W1', backend: 'postgresql', title: 'point read', method: 'pointRead',
 *   concurrency: 1, opsPerRound: 2000, run: (c, ctx) => c.pointRead!(ctx.randomInt(ctx.users)) }
 * ```
 */
export interface Workload<P = void> {
  /** Stable id (`W1`, `W5v`...), unique per backend. */
  id: string
  backend: Backend
  title: string
  /** The contender method this workload needs. */
  method: keyof Contender
  /** Operations in flight at once. */
  concurrency: number
  /** Operations per round at BENCH_SCALE=1. */
  opsPerRound: number
  /** Only these contenders (default: every contender of the backend that has `method`). */
  only?: readonly string[]
  /** Rows or items one operation handles, to report a per-row cost. */
  itemsPerOp?: number
  /** Record the heap growth of one operation (gc() before it). */
  measureHeap?: boolean
  /** No database involved: nothing to checksum or count. */
  cpuOnly?: boolean
  /** Writes: the checksum is taken of the statement shape only. */
  writes?: boolean
  /** Once per child process, after the contender opened. */
  setup?(contender: Contender, ctx: WorkloadContext): Promise<void>
  /** Untimed preparation of operation `i`; its result is passed to `run`. */
  prepare?(ctx: WorkloadContext, i: number): Promise<P>
  /** The timed operation. */
  run(contender: Contender, ctx: WorkloadContext, prepared: P, i: number): Promise<unknown> | unknown
  /** The fixed-input call whose result every contender must agree on. */
  verify?(contender: Contender, ctx: WorkloadContext): Promise<unknown>
}

/** A deterministic event row for operation `i`. */
export function eventRow(i: number, users: number): EventRow {
  return {
    userId: 1 + (i % users),
    kind: ['click', 'view', 'buy'][i % 3] as string,
    amount: i % 1000,
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000),
  }
}

/** Calls a contender method that the registry guarantees is there. */
export function call<K extends keyof Contender>(contender: Contender, method: K): NonNullable<Contender[K]> {
  const fn = contender[method]
  if (typeof fn !== 'function') throw new Error(`this contender has no ${String(method)}()`)
  return fn.bind(contender) as NonNullable<Contender[K]>
}
