#!/usr/bin/env node
/**
 * `npm run bench -- <name> [args]`: installs dependencies when needed, starts a throwaway PostgreSQL
 * cluster (unless `DORM_BENCH_PG_URL` is set), runs `bench/<name>.ts` through tsx with
 * `DORM_BENCH_PG_URL` exported, then stops the cluster. Without a name, lists the benchmarks.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ensureDeps, repoRoot } from './ensure-deps.mjs'

const benchDir = join(repoRoot, 'bench')
const available = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => file.slice(0, -3))
      .sort()
  : []

const [name, ...args] = process.argv.slice(2)
if (!name) {
  console.log('usage: npm run bench -- <name> [args]')
  console.log(
    available.length ? `benchmarks:\n${available.map((b) => `  ${b}`).join('\n')}` : 'no benchmarks in bench/ yet',
  )
  process.exit(0)
}
const benchName = name.replace(/\.ts$/, '')
if (!available.includes(benchName)) {
  console.error(`[bench] no bench/${benchName}.ts; available: ${available.join(', ') || '(none)'}`)
  process.exit(1)
}

ensureDeps({ quiet: true })
const env = { ...process.env }
/** @type {import('./pg-cluster.d.mts').PgCluster | undefined} */
let cluster
if (!env.DORM_BENCH_PG_URL) {
  const { startPgCluster } = await import('./pg-cluster.mjs')
  cluster = await startPgCluster({ name: 'bench' })
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
