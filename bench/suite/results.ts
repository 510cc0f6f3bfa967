/** The result records the orchestrator collects and the report is written from (JSON, snake_case). */
import type { MachineInfo } from './machine.js'
import type { StatementStats } from './statements.js'

/** One contender on one workload. */
export interface ContenderResult {
  contender: string
  description: string
  /** Median over the measured rounds. */
  ops_per_sec: number
  /** Median over rounds of the per-round p50 and p99 of single operations. */
  p50_us: number
  p99_us: number
  /** Mean time of one operation (1e6 / ops_per_sec × concurrency). */
  mean_us: number
  /** Time per row/item when the workload handles many per operation. */
  per_item_ns: number | null
  cv: number
  /** Coefficient of variation above 10 %. */
  noisy: boolean
  heap_delta_mb: number | null
  checksum: string | null
  checksum_sample: string
  /** Agrees with the reference contender's checksum (null when there is nothing to compare). */
  checksum_ok: boolean | null
  statements: StatementStats | null
  error: string | null
}

/** One workload on one backend. */
export interface WorkloadResult {
  id: string
  backend: 'postgresql' | 'sqlite'
  title: string
  concurrency: number
  ops_per_round: number
  items_per_op: number | null
  baseline: string
  results: ContenderResult[]
}

/** Cold start of one contender: process spawn → imports → first row. */
export interface ColdStartResult {
  contender: string
  median_ms: number
  runs_ms: number[]
}

/** The whole run. */
export interface BenchReport {
  generated_at: string
  duration_s: number
  command: string
  machine: MachineInfo
  load_average_end: number[]
  placement: string
  statement_stats: boolean
  config: {
    users: number
    posts: number
    warmup_rounds: number
    measured_rounds: number
    scale: number
    pool_max: number
  }
  workloads: WorkloadResult[]
  cold_start: ColdStartResult[]
}
