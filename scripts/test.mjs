#!/usr/bin/env node
/**
 * `npm test`: the whole check, from a fresh clone.
 *
 * 1. installs dependencies when missing or stale (`ensure-deps.mjs`);
 * 2. `turbo run typecheck` (tsc --noEmit in every workspace that has a typecheck script), the root
 *    tsconfig.json (bench), scripts/demo/tsconfig.json (the npm start demo) and the docs samples (`check-doc-samples.mjs`);
 * 3. `biome check .` (lint + format check);
 * 4. starts ONE throwaway PostgreSQL cluster (unless `DORM_TEST_PG_URL` is set, or
 *    `DORM_TEST_BACKENDS` leaves postgres out) and runs `turbo run test` with `DORM_TEST_PG_URL`
 *    exported, then stops the cluster;
 * 5. reads each workspace's `reports/vitest.json` written by this run and prints, per suite,
 *    `<workspace>: N passed, N failed`, the typecheck and lint status, and as the very last line
 *    `N passed, N failed` over everything. A failing typecheck, docs samples check or lint counts as
 *    1 failed each, and so does a suite that left no report.
 *
 * Exits 0 only when everything is green. With `CI=true` the test task bypasses turbo's cache
 * (`--force`) so tests really run; locally a cache hit replays the cached report.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ensureDeps, repoRoot } from './ensure-deps.mjs'

process.env.TURBO_TELEMETRY_DISABLED = '1'
const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? '')

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

/** @param {string} message */
function banner(message) {
  console.log(`\n=== ${message}`)
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let currentChild
/** @type {NodeJS.Signals | undefined} */
let interrupted

// Forward SIGINT/SIGTERM to the running step and let it wind down, so the cluster is still stopped
// and a summary still printed; a second signal exits at once.
for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (interrupted) process.exit(1)
    interrupted = signal
    console.error(`[test] ${signal}: stopping the current step`)
    // Each step runs in its own process group (detached), so the whole tree gets the signal, not
    // just the npx wrapper (which dies without passing it on).
    if (currentChild?.pid) {
      try {
        process.kill(-currentChild.pid, signal)
      } catch {
        currentChild.kill(signal)
      }
    }
  })
}

/**
 * Resolves once no process is left in process group `pgid` (or after `timeoutMs`).
 * @param {number} pgid
 * @param {number} timeoutMs
 */
async function waitForGroupExit(pgid, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0)
    } catch {
      return
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100))
  }
}

/**
 * Runs a command with inherited stdio, resolving with its exit code (a signal or spawn failure
 * counts as 1). Skipped once the run was interrupted.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<number>}
 */
function run(command, args, env = process.env) {
  if (interrupted) return Promise.resolve(1)
  const started = Date.now()
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env, detached: true })
    currentChild = child
    const done = (/** @type {number} */ code) => {
      currentChild = undefined
      console.log(`[test] ${command} ${args.join(' ')} -> exit ${code} in ${seconds(Date.now() - started)}`)
      resolveRun(code)
    }
    child.on('error', (error) => {
      console.error(`[test] could not run ${command}: ${error.message}`)
      done(1)
    })
    // After an interrupt the npx wrapper can exit before the tool it started has wound down (turbo
    // still prints its own summary): wait for the step's whole process group to be gone.
    child.on('exit', (code) => {
      if (!interrupted || !child.pid) return done(code ?? 1)
      waitForGroupExit(child.pid, 30_000).then(() => done(code ?? 1))
    })
  })
}

const runsDir = join(repoRoot, '.turbo', 'runs')

/** @returns {Set<string>} */
function listRuns() {
  return new Set(existsSync(runsDir) ? readdirSync(runsDir) : [])
}

/**
 * `turbo run <task> --continue --summarize`, returning the exit code and the packages whose task
 * failed (read from the run summary turbo writes to .turbo/runs/, which is then removed).
 * @param {string} task
 * @param {string[]} extraArgs
 * @param {NodeJS.ProcessEnv} [env]
 */
async function runTurbo(task, extraArgs = [], env = process.env) {
  const before = listRuns()
  const code = await run('npx', ['turbo', 'run', task, '--continue', '--summarize', ...extraArgs], env)
  /** @type {string[]} */
  const failedPackages = []
  for (const file of listRuns()) {
    if (before.has(file)) continue
    try {
      const summary = JSON.parse(readFileSync(join(runsDir, file), 'utf8'))
      for (const t of summary.tasks ?? []) {
        if (t.execution && t.execution.exitCode !== 0) failedPackages.push(t.package ?? t.taskId)
      }
    } catch {
      // a summary we cannot read only costs the detail in the status line
    }
    rmSync(join(runsDir, file), { force: true })
  }
  return { code, failedPackages }
}

/**
 * Whether `turbo run test` would replay every test task from the cache (then no database is
 * needed). Any doubt answers false.
 */
function allTestsCached() {
  const result = spawnSync('npx', ['turbo', 'run', 'test', '--dry=json'], { cwd: repoRoot, encoding: 'utf8' })
  if (result.status !== 0) return false
  try {
    const tasks = JSON.parse(result.stdout).tasks ?? []
    return tasks.every(
      (/** @type {any} */ t) => t.command === '<NONEXISTENT>' || (t.cache?.status ?? '').toUpperCase() === 'HIT',
    )
  } catch {
    return false
  }
}

/** The workspace directories named by the root package.json (`dir/*` globs and plain paths). */
function workspaceDirs() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  const patterns = Array.isArray(workspaces) ? workspaces : (workspaces.packages ?? [])
  /** @type {string[]} */
  const dirs = []
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = join(repoRoot, pattern.slice(0, -2))
      if (!existsSync(parent)) continue
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name))
      }
    } else {
      dirs.push(join(repoRoot, pattern))
    }
  }
  return dirs.filter((dir) => existsSync(join(dir, 'package.json'))).sort()
}

/** Workspaces whose package.json has a `test` script: each must leave a report. */
function testWorkspaces() {
  return workspaceDirs().flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    return manifest.scripts?.test ? [{ dir, name: manifest.name ?? relative(repoRoot, dir) }] : []
  })
}

const REPORT_FILES = ['reports/vitest.json', 'reports/playwright.json']

/**
 * Passed/failed/skipped counts from a vitest JSON report (or a Playwright one, for e2e later).
 * A file that failed to load counts as one failure; so does a run vitest marked unsuccessful (e.g.
 * an unhandled error) with no failed test.
 * @param {any} report
 */
function countReport(report) {
  if (report.stats && typeof report.stats.expected === 'number') {
    const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats
    return { passed: expected + flaky, failed: unexpected, skipped, note: '' }
  }
  const passed = report.numPassedTests ?? 0
  let failed = report.numFailedTests ?? 0
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  const brokenFiles = (report.testResults ?? []).filter(
    (/** @type {any} */ file) =>
      file.status === 'failed' && !(file.assertionResults ?? []).some((/** @type {any} */ a) => a.status === 'failed'),
  ).length
  failed += brokenFiles
  let note = brokenFiles ? ` (${brokenFiles} file(s) failed outside any test)` : ''
  if (report.success === false && failed === 0) {
    failed = 1
    note = ' (the run failed outside any test: see the errors above)'
  }
  return { passed, failed, skipped, note }
}

async function main() {
  const totalStarted = Date.now()
  banner('dependencies')
  ensureDeps()

  banner('typecheck: turbo run typecheck')
  const typecheck = await runTurbo('typecheck')
  // bench/ and the npm start demo (scripts/demo) belong to no workspace: each has its own tsconfig
  for (const [project, label] of [
    ['tsconfig.json', 'bench'],
    ['scripts/demo/tsconfig.json', 'scripts/demo'],
  ]) {
    banner(`typecheck: tsc -p ${project} (${label})`)
    const code = await run('npx', ['tsc', '-p', project, '--noEmit'])
    if (code !== 0) {
      typecheck.failedPackages.push(label)
      if (typecheck.code === 0) typecheck.code = code
    }
  }
  // every ts/tsx block of README.md, docs/ and the workspaces' READMEs, against the built packages
  banner('typecheck: docs samples (node scripts/check-doc-samples.mjs)')
  const docsCode = await run('node', ['scripts/check-doc-samples.mjs'])

  banner('lint: biome check .')
  const lintCode = await run('npx', ['biome', 'check', '.'])

  const suites = testWorkspaces()
  for (const { dir } of suites) {
    for (const file of REPORT_FILES) rmSync(join(dir, file), { force: true })
  }

  banner(`test: turbo run test${isCI ? ' --force' : ''}`)
  const backends = (process.env.DORM_TEST_BACKENDS ?? 'postgres,sqlite,libsql').toLowerCase()
  /** @type {import('./pg-cluster.d.mts').PgCluster | undefined} */
  let cluster
  let testCode = 1
  try {
    const env = { ...process.env }
    if (env.DORM_TEST_PG_URL) {
      console.log('[test] using the PostgreSQL server at DORM_TEST_PG_URL')
    } else if (!isCI && allTestsCached()) {
      console.log('[test] every test task is cached: no PostgreSQL cluster needed')
    } else if (backends.includes('postgres')) {
      const { startPgCluster } = await import('./pg-cluster.mjs')
      const started = Date.now()
      cluster = await startPgCluster({ name: 'npm-test' })
      env.DORM_TEST_PG_URL = cluster.url
      console.log(`[test] PostgreSQL ${cluster.url} started in ${seconds(Date.now() - started)}`)
    }
    // one suite at a time: on a 2-core machine the browser suite, the dashboard build and the
    // engine's pool-timing tests would otherwise compete for the CPU
    testCode = (await runTurbo('test', ['--concurrency=1', ...(isCI ? ['--force'] : [])], env)).code
  } catch (error) {
    console.error(`[test] ${error instanceof Error ? error.message : error}`)
  } finally {
    if (cluster) {
      const started = Date.now()
      await cluster.stop()
      console.log(`[test] PostgreSQL stopped in ${seconds(Date.now() - started)}`)
    }
  }

  banner('summary')
  let passed = 0
  let failed = 0
  for (const { dir, name } of suites) {
    const file = REPORT_FILES.map((candidate) => join(dir, candidate)).find((candidate) => existsSync(candidate))
    if (!file) {
      failed += 1
      console.log(`${name}: 0 passed, 1 failed (no report: the suite crashed or never ran)`)
      continue
    }
    let counts
    try {
      counts = countReport(JSON.parse(readFileSync(file, 'utf8')))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      counts = { passed: 0, failed: 1, skipped: 0, note: ` (unreadable report ${relative(repoRoot, file)}: ${reason})` }
    }
    passed += counts.passed
    failed += counts.failed
    const skipped = counts.skipped ? ` (${counts.skipped} skipped)` : ''
    console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed${skipped}${counts.note}`)
  }
  if (testCode !== 0 && failed === 0) {
    failed += 1
    console.log(`turbo run test: exit ${testCode} although every report is green (counted as 1 failed)`)
  }
  const typecheckWhere = typecheck.failedPackages.length ? ` in ${typecheck.failedPackages.join(', ')}` : ''
  console.log(
    `typecheck: ${typecheck.code === 0 ? 'ok' : `FAILED${typecheckWhere} (exit ${typecheck.code}, counted as 1 failed)`}`,
  )
  console.log(`docs samples: ${docsCode === 0 ? 'ok' : `FAILED (exit ${docsCode}, counted as 1 failed)`}`)
  console.log(`lint: ${lintCode === 0 ? 'ok' : `FAILED (exit ${lintCode}, counted as 1 failed)`}`)
  if (typecheck.code !== 0) failed += 1
  if (docsCode !== 0) failed += 1
  if (lintCode !== 0) failed += 1
  if (interrupted) {
    console.log(`interrupted by ${interrupted}: the run is incomplete${failed === 0 ? ' (counted as 1 failed)' : ''}`)
    if (failed === 0) failed = 1
  }
  console.log(`total time ${seconds(Date.now() - totalStarted)}`)
  console.log(`${passed} passed, ${failed} failed`)
  return failed === 0 ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    console.error(error)
    console.log('0 passed, 1 failed')
    process.exitCode = 1
  },
)
