/**
 * Runs one workload: every contender in its own fresh process, checksums and statement counts
 * from one fixed-input call each, then warm-up and measured rounds interleaved across contenders
 * (the order rotates every round so no contender always runs first or last).
 */
import type pg from 'pg'
import type { ContenderInfo } from '../contenders/registry.js'
import type { Workload } from '../workloads/workload.js'
import { ChildHandle } from './child-process.js'
import type { BenchConfig } from './config.js'
import type { ChildSpec, RoundResult } from './protocol.js'
import type { ContenderResult, WorkloadResult } from './results.js'
import { readStatementStats, resetStatementStats, type StatementStats } from './statements.js'
import { coefficientOfVariation, median } from './stats.js'

export interface RunContext {
  config: BenchConfig
  pgUrl: string
  sqlitePath: string
  admin: pg.Client
  statementStats: boolean
  log(line: string): void
}

interface Slot {
  info: ContenderInfo
  child: ChildHandle | null
  rounds: RoundResult[]
  checksum: string | null
  sample: string
  statements: StatementStats | null
  error: string | null
}

/**
 * Runs `workload` for `contenders` and returns its result (errors are recorded, not thrown).
 *
 * @example
 * ```ts
 * const result = await runWorkload(workload, contenders, ctx)
 * ```
 */
export async function runWorkload(
  workload: Workload<unknown>,
  contenders: readonly ContenderInfo[],
  ctx: RunContext,
): Promise<WorkloadResult> {
  const { config } = ctx
  const ops = Math.max(1, Math.round(workload.opsPerRound * config.scale))
  const seed = [...`${workload.backend}/${workload.id}`].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7)
  const slots: Slot[] = contenders.map((info) => ({
    info,
    child: null,
    rounds: [],
    checksum: null,
    sample: '',
    statements: null,
    error: null,
  }))
  const spec = (info: ContenderInfo): ChildSpec => ({
    contender: info.name,
    backend: workload.backend,
    workload: workload.id,
    pgUrl: ctx.pgUrl,
    sqlitePath: ctx.sqlitePath,
    poolMax: config.poolMax,
    users: config.users,
    posts: config.posts,
    seed,
  })
  // start them two at a time: each child pays its imports (and TS transpile) once
  for (let i = 0; i < slots.length; i += 2) {
    await Promise.all(
      slots.slice(i, i + 2).map(async (slot) => {
        try {
          slot.child = await ChildHandle.start(spec(slot.info), { pin: config.pin })
        } catch (error) {
          slot.error = `start: ${(error as Error).message.split('\n')[0]}`
        }
      }),
    )
  }
  const usesPg = workload.backend === 'postgresql' && ctx.statementStats && !workload.cpuOnly
  for (const slot of slots) {
    if (!slot.child || !workload.verify) continue
    try {
      if (usesPg) await resetStatementStats(ctx.admin)
      const verified = await slot.child.verify()
      slot.checksum = verified.checksum
      slot.sample = verified.sample
      if (usesPg) slot.statements = await readStatementStats(ctx.admin)
    } catch (error) {
      slot.error = `verify: ${(error as Error).message.split('\n')[0]}`
    }
  }
  const live = () => slots.filter((s) => s.child && !s.error)
  for (let round = 0; round < config.warmup + config.rounds; round++) {
    const order = live()
    const offset = order.length ? round % order.length : 0
    for (const slot of [...order.slice(offset), ...order.slice(0, offset)]) {
      // the others sleep through this round: nothing else of the bench runs on its core meanwhile
      const others = order.filter((other) => other !== slot)
      for (const other of others) other.child?.pause()
      try {
        const result = await (slot.child as ChildHandle).round(ops)
        if (round >= config.warmup) slot.rounds.push(result)
      } catch (error) {
        slot.error = `round ${round}: ${(error as Error).message.split('\n')[0]}`
      } finally {
        for (const other of others) other.child?.resume()
      }
    }
  }
  await Promise.all(slots.map((s) => s.child?.close()))

  const baseline = slots[0]?.info.name ?? ''
  const reference = slots.find((s) => s.checksum !== null)?.checksum ?? null
  const results = slots.map((slot): ContenderResult => {
    const opsPerSec = median(slot.rounds.map((r) => (r.ops * 1000) / r.elapsedMs))
    const heap = slot.rounds.map((r) => r.heapDeltaMb).filter((h): h is number => h !== null)
    const meanUs = (1e6 / opsPerSec) * workload.concurrency
    const cv = coefficientOfVariation(slot.rounds.map((r) => r.elapsedMs / r.ops))
    return {
      contender: slot.info.name,
      description: slot.info.description,
      ops_per_sec: opsPerSec,
      p50_us: median(slot.rounds.map((r) => r.p50Us)),
      p99_us: median(slot.rounds.map((r) => r.p99Us)),
      mean_us: meanUs,
      per_item_ns: workload.itemsPerOp ? ((meanUs / workload.concurrency) * 1000) / workload.itemsPerOp : null,
      cv,
      noisy: cv > 0.1,
      heap_delta_mb: heap.length ? median(heap) : null,
      checksum: slot.checksum,
      checksum_sample: slot.sample,
      checksum_ok: slot.checksum === null || reference === null ? null : slot.checksum === reference,
      statements: slot.statements,
      error: slot.error,
    }
  })
  for (const r of results) {
    ctx.log(
      `  ${r.contender.padEnd(16)} ${r.error ? `ERROR ${r.error}` : `${r.ops_per_sec.toFixed(1).padStart(10)} ops/s  p50 ${r.p50_us.toFixed(1).padStart(9)} µs  cv ${(r.cv * 100).toFixed(1)}%${r.checksum_ok === false ? '  CHECKSUM MISMATCH' : ''}${r.statements ? `  stmts ${r.statements.queries}` : ''}`}`,
    )
  }
  return {
    id: workload.id,
    backend: workload.backend,
    title: workload.title,
    concurrency: workload.concurrency,
    ops_per_round: ops,
    items_per_op: workload.itemsPerOp ?? null,
    baseline,
    results,
  }
}
