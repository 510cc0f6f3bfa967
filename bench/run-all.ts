/**
 * The benchmark suite: dorm next to raw pg, postgres.js, Drizzle, Kysely and Prisma 7 on
 * PostgreSQL, and next to better-sqlite3, @libsql/client, Drizzle, Kysely and Prisma on SQLite.
 *
 *   npm run bench                    (starts a throwaway PostgreSQL 15 with pg_stat_statements)
 *   BENCH_USERS=2000 BENCH_POSTS=10000 BENCH_WARMUP=1 BENCH_ROUNDS=1 BENCH_SCALE=0.1 npm run bench
 *
 * Seeds identical data, generates the Prisma clients, runs every workload (bench/workloads) with
 * every contender that has an equivalent (bench/contenders) in fresh child processes, then writes
 * docs/benchmarks.md and docs/benchmarks.json. Sizes and selection: bench/suite/config.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { CONTENDERS, type ContenderInfo } from './contenders/registry.js'
import { readConfig } from './suite/config.js'
import { machineInfo, pinServer } from './suite/machine.js'
import { benchReportMarkdown } from './suite/report.js'
import type { BenchReport, ColdStartResult, WorkloadResult } from './suite/results.js'
import { type RunContext, runWorkload } from './suite/run-workload.js'
import { resetEvents, resetSqliteEvents, seedPostgres, seedSqlite } from './suite/seed.js'
import { enableStatementStats } from './suite/statements.js'
import { median } from './suite/stats.js'
import { allWorkloads } from './workloads/index.js'
import type { Workload } from './workloads/workload.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string) => console.error(line)

function selected(list: string[] | null, value: string): boolean {
  return list === null || list.includes(value)
}

function contendersFor(workload: Workload<unknown>, names: string[] | null): ContenderInfo[] {
  return CONTENDERS.filter(
    (c) =>
      c.backend === workload.backend &&
      c.methods.includes(workload.method) &&
      (!c.onlyWorkloads || c.onlyWorkloads.includes(workload.id)) &&
      (!workload.only || workload.only.includes(c.name)) &&
      (names === null || names.includes(c.name)),
  )
}

function generatePrisma(backend: 'pg' | 'sqlite'): void {
  const result = spawnSync('npx', ['prisma', 'generate', '--schema', join('bench', 'prisma', `${backend}.prisma`)], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`prisma generate (${backend}) failed:\n${result.stderr}${result.stdout}`)
}

function coldStart(names: readonly string[], ctx: RunContext, runs: number): ColdStartResult[] {
  const script = join(root, 'bench', 'suite', 'cold-start.ts')
  const times = new Map<string, number[]>(names.map((n) => [n, []]))
  for (let run = -1; run < runs; run++) {
    for (const name of names) {
      const command = ctx.config.pin ? 'taskset' : process.execPath
      const args = ['--import', 'tsx', script, name, ctx.pgUrl, ctx.sqlitePath]
      const out = execFileSync(command, ctx.config.pin ? ['-c', '0', process.execPath, ...args] : args, {
        cwd: root,
        encoding: 'utf8',
      })
      const { ms } = JSON.parse(out.trim().split('\n').pop() as string) as { ms: number }
      if (run >= 0) times.get(name)?.push(ms)
    }
  }
  return names.map((name) => {
    const runsMs = times.get(name) ?? []
    return { contender: name, median_ms: median(runsMs), runs_ms: runsMs.map((t) => Math.round(t * 10) / 10) }
  })
}

/** Biome's layout for the JSON (the repository lints docs/). */
function formatJson(path: string): void {
  spawnSync('npx', ['biome', 'format', '--write', path], { cwd: root, stdio: 'ignore' })
}

/** BENCH_FROM_JSON=docs/benchmarks.json: rewrite the Markdown from a run's JSON (after a report change). */
function rewriteFromJson(path: string): void {
  const report = JSON.parse(readFileSync(resolve(root, path), 'utf8')) as BenchReport
  const out = resolve(root, path.replace(/\.json$/, '.md'))
  writeFileSync(out, benchReportMarkdown(report))
  formatJson(resolve(root, path))
  log(`[bench] rewrote ${out} from ${path}`)
}

async function main(): Promise<void> {
  if (process.env.BENCH_FROM_JSON) return rewriteFromJson(process.env.BENCH_FROM_JSON)
  const started = Date.now()
  const config = readConfig()
  const pgUrl = process.env.DORM_BENCH_PG_URL
  if (!pgUrl) {
    console.error('DORM_BENCH_PG_URL is not set: run the suite through `npm run bench`.')
    process.exit(2)
  }
  const sqlitePath = join(root, 'bench', '.data', 'bench.sqlite3')
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  const machine = await machineInfo(admin)
  const placement = await pinServer(admin, config.pin)
  log(`[bench] ${machine.cpu} × ${machine.cores}, node ${machine.node}, PostgreSQL ${machine.postgresql}; ${placement}`)

  const workloads = allWorkloads().filter(
    (w) => selected(config.workloads, w.id) && selected(config.backends, w.backend),
  )
  const needs = (backend: string) => workloads.some((w) => w.backend === backend)
  const wanted = (name: string) => config.contenders === null || config.contenders.includes(name)
  if (needs('postgresql') && wanted('prisma')) generatePrisma('pg')
  if (needs('sqlite') && wanted('prisma-sqlite')) generatePrisma('sqlite')
  let t = Date.now()
  if (needs('postgresql')) {
    await seedPostgres(admin, config.users, config.posts)
    log(`[bench] PostgreSQL seeded: ${config.users} users, ${config.posts} posts (${Date.now() - t} ms)`)
  }
  t = Date.now()
  if (needs('sqlite')) {
    seedSqlite(sqlitePath, config.users, config.posts)
    log(`[bench] SQLite seeded: ${sqlitePath} (${Date.now() - t} ms)`)
  }
  const statementStats = await enableStatementStats(admin)
  if (!statementStats) log('[bench] pg_stat_statements is not loaded: statement counts are left out')
  const ctx: RunContext = { config, pgUrl, sqlitePath, admin, statementStats, log }

  const results: WorkloadResult[] = []
  for (const workload of workloads) {
    const contenders = contendersFor(workload, config.contenders)
    if (contenders.length === 0) continue
    if (workload.writes && workload.backend === 'postgresql') await resetEvents(admin)
    if (workload.writes && workload.backend === 'sqlite') resetSqliteEvents(sqlitePath)
    const t0 = Date.now()
    log(`[bench] ${workload.backend} ${workload.id}: ${workload.title} (${contenders.map((c) => c.name).join(', ')})`)
    results.push(await runWorkload(workload, contenders, ctx))
    log(`[bench]   ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }

  let cold: ColdStartResult[] = []
  if (selected(config.workloads, 'cold')) {
    const names = [
      'pg',
      'postgres.js',
      'drizzle',
      'kysely',
      'prisma',
      'dorm-5',
      'better-sqlite3',
      'dorm-sqlite',
    ].filter(
      (n) => wanted(n) && (needs(CONTENDERS.find((c) => c.name === n)?.backend ?? '') || config.workloads === null),
    )
    log(`[bench] cold start: ${names.join(', ')}`)
    cold = coldStart(names, ctx, Math.min(config.rounds, 5))
  }
  await admin.end()

  const report: BenchReport = {
    generated_at: new Date().toISOString(),
    duration_s: Math.round((Date.now() - started) / 1000),
    command: 'npm run bench',
    machine,
    load_average_end: os.loadavg().map((l) => Math.round(l * 100) / 100),
    placement,
    statement_stats: statementStats,
    config: {
      users: config.users,
      posts: config.posts,
      warmup_rounds: config.warmup,
      measured_rounds: config.rounds,
      scale: config.scale,
      pool_max: config.poolMax,
    },
    workloads: results,
    cold_start: cold,
  }
  const out = resolve(root, config.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, benchReportMarkdown(report))
  writeFileSync(out.replace(/\.md$/, '.json'), `${JSON.stringify(report, null, 2)}\n`)
  formatJson(out.replace(/\.md$/, '.json'))
  log(`[bench] wrote ${config.out} and its .json in ${report.duration_s} s`)
}

await main()
