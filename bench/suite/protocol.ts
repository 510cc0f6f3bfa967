/** Messages between the orchestrator and a contender's child process (Node IPC). */

/** What the child is told at start (JSON in the BENCH_CHILD environment variable). */
export interface ChildSpec {
  contender: string
  backend: 'postgresql' | 'sqlite'
  workload: string
  pgUrl: string
  sqlitePath: string
  poolMax: number
  users: number
  posts: number
  /** Seed of the workload's random sequence (the same for every contender). */
  seed: number
}

/** The measurements of one round. */
export interface RoundResult {
  ops: number
  /** Total time: the sum of operation times at concurrency 1, wall time otherwise. */
  elapsedMs: number
  p50Us: number
  p99Us: number
  /** Median heap growth of one operation (gc() before each), when the workload measures it. */
  heapDeltaMb: number | null
}

export type ToChild = { type: 'verify' } | { type: 'round'; ops: number } | { type: 'close' }

export type FromChild =
  | { type: 'ready' }
  | { type: 'verified'; checksum: string | null; sample: string }
  | { type: 'round'; result: RoundResult }
  | { type: 'error'; message: string }
