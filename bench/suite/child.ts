/**
 * One contender running one workload, in a fresh process driven by the orchestrator over IPC:
 * open, set up, then verify (checksum of the fixed-input result) and timed rounds on request.
 */
import { performance } from 'node:perf_hooks'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { contenderInfo } from '../contenders/registry.js'
import { findWorkload } from '../workloads/index.js'
import type { WorkloadContext } from '../workloads/workload.js'
import { checksum } from './checksum.js'
import type { ChildSpec, FromChild, RoundResult, ToChild } from './protocol.js'
import { median, percentile } from './stats.js'

function send(message: FromChild): void {
  process.send?.(message)
}

/** mulberry32: a small deterministic PRNG. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function adminRunner(spec: ChildSpec): { run: WorkloadContext['admin']; close(): Promise<void> } {
  if (spec.backend === 'sqlite') {
    let db: SqliteDatabase.Database | null = null
    return {
      run: async (sql, params = []) => {
        db ??= new SqliteDatabase(spec.sqlitePath)
        const statement = db.prepare(sql)
        if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>
        statement.run(...params)
        return []
      },
      close: async () => {
        db?.close()
      },
    }
  }
  let client: Promise<pg.Client> | null = null
  return {
    run: async (sql, params = []) => {
      client ??= (async () => {
        const c = new pg.Client({ connectionString: spec.pgUrl })
        await c.connect()
        return c
      })()
      return (await (await client).query(sql, params)).rows
    },
    close: async () => (client ? (await client).end() : undefined),
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_CHILD ?? 'null') as ChildSpec | null
  if (!spec) throw new Error('BENCH_CHILD is not set: this file is started by bench/run-all.ts')
  const workload = findWorkload(spec.backend, spec.workload)
  const info = contenderInfo(spec.contender)
  const random = seededRandom(spec.seed)
  const admin = adminRunner(spec)
  const ctx: WorkloadContext = {
    users: spec.users,
    posts: spec.posts,
    random,
    randomInt: (max) => 1 + Math.floor(random() * max),
    admin: admin.run,
  }
  const contender = await info.create({ pgUrl: spec.pgUrl, sqlitePath: spec.sqlitePath, poolMax: spec.poolMax })
  await workload.setup?.(contender, ctx)
  const gc = (globalThis as { gc?: () => void }).gc
  let opIndex = 0
  /** The last result stays referenced until the next operation, so heap figures include it. */
  const kept: { result: unknown } = { result: null }

  async function round(ops: number): Promise<RoundResult> {
    const latencies = new Float64Array(ops)
    const heap: number[] = []
    let next = 0
    const worker = async () => {
      for (let k = next++; k < ops; k = next++) {
        const i = opIndex + k
        const prepared = workload.prepare ? await workload.prepare(ctx, i) : undefined
        let heapBefore = 0
        if (workload.measureHeap && gc) {
          gc()
          heapBefore = process.memoryUsage().heapUsed
        }
        const t0 = performance.now()
        const result = await workload.run(contender, ctx, prepared, i)
        latencies[k] = (performance.now() - t0) * 1000
        if (workload.measureHeap && gc) heap.push((process.memoryUsage().heapUsed - heapBefore) / 1048576)
        kept.result = result
      }
    }
    const wallStart = performance.now()
    await Promise.all(Array.from({ length: Math.min(workload.concurrency, ops) }, worker))
    const wallMs = performance.now() - wallStart
    opIndex += ops
    kept.result = null
    const samples = Array.from(latencies)
    const elapsedMs = workload.concurrency === 1 ? samples.reduce((a, b) => a + b, 0) / 1000 : wallMs
    return {
      ops,
      elapsedMs,
      p50Us: percentile(samples, 0.5),
      p99Us: percentile(samples, 0.99),
      heapDeltaMb: heap.length ? median(heap) : null,
    }
  }

  process.on('message', (message: ToChild) => {
    void (async () => {
      try {
        if (message.type === 'verify') {
          const result = workload.verify ? await workload.verify(contender, ctx) : undefined
          const sample = JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
          send({
            type: 'verified',
            checksum: result === undefined ? null : checksum(result),
            sample: (sample ?? '').slice(0, 300),
          })
        } else if (message.type === 'round') {
          send({ type: 'round', result: await round(message.ops) })
        } else {
          await contender.close()
          await admin.close()
          process.exit(0)
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).stack ?? String(error) })
      }
    })()
  })
  send({ type: 'ready' })
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? String(error) })
  setTimeout(() => process.exit(1), 100)
})
