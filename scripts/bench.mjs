#!/usr/bin/env node
/**
 * `npm run bench`: the whole suite (bench/run-all.ts), which writes docs/benchmarks.md and .json.
 * `npm run bench -- <name> [args]`: one benchmark, `bench/<name>.ts`. `npm run bench -- --list`
 * lists them.
 *
 * Installs dependencies when needed, builds @dorm/engine (the contenders load its dist/), starts a throwaway PostgreSQL cluster with pg_stat_statements
 * preloaded (unless `DORM_BENCH_PG_URL` is set), runs the benchmark through tsx with
 * `DORM_BENCH_PG_URL` exported, then stops the cluster.
 */
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ensureDeps, repoRoot } from './ensure-deps.mjs'

const benchDir = join(repoRoot, 'bench')
const available = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => file.slice(0, -3))
      .sort()
  : []

const [given, ...args] = process.argv.slice(2)
if (given === '--list' || given === '-l') {
  console.log('usage: npm run bench [-- <name> [args]]   (no name: the whole suite, bench/run-all.ts)')
  console.log(
    available.length ? `benchmarks:\n${available.map((b) => `  ${b}`).join('\n')}` : 'no benchmarks in bench/ yet',
  )
  process.exit(0)
}
const name = given ?? 'run-all'
const benchName = name.replace(/\.ts$/, '')
if (!available.includes(benchName)) {
  console.error(`[bench] no bench/${benchName}.ts; available: ${available.join(', ') || '(none)'}`)
  process.exit(1)
}

ensureDeps({ quiet: true })
// the contenders load dorm from its built package, as an app does
const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@dorm/engine'], {
  cwd: repoRoot,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
})
if (build.status !== 0) {
  console.error('[bench] building @dorm/engine failed: run `npx turbo run build --filter=@dorm/engine` to see why')
  process.exit(1)
}
const env = { ...process.env }
/** @type {import('./pg-cluster.d.mts').PgCluster | undefined} */
let cluster
if (!env.DORM_BENCH_PG_URL) {
  const { startPgCluster } = await import('./pg-cluster.mjs')
  cluster = await startPgCluster({ name: 'bench' })
  // the suite counts each contender's statements with pg_stat_statements
  appendFileSync(join(cluster.dataDir, 'postgresql.conf'), "\nshared_preload_libraries = 'pg_stat_statements'\n")
  await cluster.restart()
  env.DORM_BENCH_PG_URL = cluster.url
  console.error(`[bench] PostgreSQL ${cluster.url}`)
}

const code = await new Promise((resolveRun) => {
  const child = spawn('npx', ['tsx', join('bench', `${benchName}.ts`), ...args], {
    cwd: repoRoot,
    stdio: 'inherit',
    env,
  })
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('error', (error) => {
    console.error(`[bench] could not run tsx: ${error.message}`)
    resolveRun(1)
  })
  child.on('exit', (exitCode) => resolveRun(exitCode ?? 1))
})
await cluster?.stop()
process.exit(code)
