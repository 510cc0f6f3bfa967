/**
 * `npm start`: the newcomer's demo. After `scripts/start.mjs` installed what was missing, this
 * builds the engine and the dashboard, starts the dashboard on a SQLite store in the demo dir with
 * an environment `demo`, its keys and a generated admin password, runs the GitHub Action on the
 * example shop's migrations (check, then migrate with the deploy report), seeds and starts the shop
 * with its telemetry pointed at the dashboard, drives traffic through it, prints where to look and
 * runs until Ctrl-C, then stops everything it started (exit 0).
 *
 * Environment: `DORM_DEMO_DIR` (default `.dorm-demo`), `DORM_DEMO_DASHBOARD_PORT` (default 3000, or
 * a free port when taken), `DORM_DEMO_SHOP_PORT` (default 8000, likewise), `DORM_DEMO_PG_URL` (the
 * shop on that PostgreSQL instead of SQLite files), `DORM_DEMO_TELEMETRY_INTERVAL_S` (default 10).
 *
 * @example
 * ```ts
 * // scripts/start.mjs, once dependencies are installed:
 * const { runDemo } = await import('./demo/main.ts')
 * process.exitCode = await runDemo({ dependencies: { detail: 'up to date', elapsedMs: 120 } })
 * ```
 */
import { join, relative } from 'node:path'
import { buildAll } from './build.js'
import { provisionDashboard, type RunningDashboard, startDashboard } from './dashboard.js'
import { adminPassword, demoLayout, prepareDemoDir } from './demo-dir.js'
import { checkMigrations, migrateAndReport } from './deploy-gate.js'
import { choosePort, ensurePortStillFree } from './ports.js'
import { killEverythingNow, type ManagedProcess, stopRemaining } from './processes.js'
import { printReady } from './ready.js'
import { type RunningShop, seedShop, shopDatabase, startShop } from './shop.js'
import { failureReport, Interrupted, StepFailure, StepRunner, seconds } from './steps.js'
import { startTrafficLoop, type TrafficLoop } from './traffic-loop.js'

/** The dashboard environment the demo reports to. */
export const DEMO_ENVIRONMENT = 'demo'
const TOTAL_STEPS = 11

function telemetryInterval(env: NodeJS.ProcessEnv): number {
  const raw = env.DORM_DEMO_TELEMETRY_INTERVAL_S?.trim()
  if (!raw) return 10
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) {
    throw new StepFailure(
      `DORM_DEMO_TELEMETRY_INTERVAL_S='${raw}' is not a positive number of seconds.`,
      'Set it to e.g. 2 (faster pages, more requests to the dashboard) or unset it for 10.',
    )
  }
  return value
}

/**
 * Runs the demo until Ctrl-C (or a failure); resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runDemo({ dependencies: { detail: 'installed (npm ci)', elapsedMs: 41_000 } })
 * ```
 */
export async function runDemo(options: { dependencies: { detail: string; elapsedMs: number } }): Promise<number> {
  const started = performance.now()
  const controller = new AbortController()
  const { signal } = controller
  const print = (line: string) => process.stdout.write(`${line}\n`)
  let interrupts = 0
  const onSignal = (name: NodeJS.Signals) => {
    interrupts++
    if (interrupts === 1) {
      print(`\n${name === 'SIGINT' ? 'Ctrl-C' : name}: stopping everything the demo started...`)
      controller.abort()
    } else if (interrupts === 3) {
      print('Stopping now (SIGKILL to every child).')
      killEverythingNow()
      process.exit(130)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  process.on('exit', killEverythingNow)

  const steps = new StepRunner(TOTAL_STEPS, (text) => process.stdout.write(text), signal)
  const layout = demoLayout()
  const local = relative(process.cwd(), layout.root)
  const where = local === '' ? '.' : local.startsWith('..') ? layout.root : local
  let dashboard: RunningDashboard | undefined
  let shop: RunningShop | undefined
  let traffic: TrafficLoop | undefined
  let exitCode = 0
  const check = () => {
    if (signal.aborted) throw new Interrupted()
  }

  print(`dorm demo: everything it writes goes to ${layout.root}\n`)
  steps.record('Install dependencies', options.dependencies.detail, options.dependencies.elapsedMs)
  try {
    const { password, database, telemetryIntervalS } = await steps.run('Prepare the demo dir', async () => {
      prepareDemoDir(layout)
      const database = shopDatabase(layout)
      const telemetryIntervalS = telemetryInterval(process.env)
      const { password, created } = adminPassword(layout)
      const how = created ? 'admin password generated' : 'admin password kept'
      const vendor = database.vendor === 'sqlite' ? 'shop on SQLite files' : `shop on ${database.display}`
      return { value: { password, database, telemetryIntervalS }, detail: `${where}: ${how}, ${vendor}` }
    })
    const ports = await steps.run('Choose the ports', async () => {
      const dashboardPort = await choosePort({
        label: 'dashboard',
        preferred: 3000,
        variable: 'DORM_DEMO_DASHBOARD_PORT',
      })
      const shopPort = await choosePort({
        label: 'shop',
        preferred: 8000,
        variable: 'DORM_DEMO_SHOP_PORT',
        avoid: [dashboardPort.port],
      })
      return {
        value: { dashboard: dashboardPort.port, shop: shopPort.port },
        detail: `dashboard ${dashboardPort.port} (${dashboardPort.note}), shop ${shopPort.port} (${shopPort.note})`,
      }
    })
    await steps.run('Build the engine and the dashboard', async () => {
      const built = await buildAll({ logFile: join(layout.logs, 'build.log'), signal })
      check()
      return { value: undefined, detail: built.detail }
    })
    const keys = await steps.run('Create the environment and its keys', async () => {
      const keys = await provisionDashboard({ layout, environment: DEMO_ENVIRONMENT, signal })
      return { value: keys, detail: keys.summary }
    })
    dashboard = await steps.run('Start the dashboard (next start)', async () => {
      await ensurePortStillFree({ port: ports.dashboard, label: 'dashboard', variable: 'DORM_DEMO_DASHBOARD_PORT' })
      const running = await startDashboard({ layout, port: ports.dashboard, password, signal })
      dashboard = running
      return { value: running, detail: running.url }
    })
    const dashboardUrl = dashboard.url
    await steps.run("Check the shop's migrations with the GitHub Action", async () => {
      const { detail } = await checkMigrations({ layout, database, signal })
      return { value: undefined, detail }
    })
    await steps.run('Migrate with the Action and send the deploy report', async () => {
      const { detail } = await migrateAndReport({
        layout,
        database,
        dashboardUrl,
        ciKey: keys.ci,
        environment: DEMO_ENVIRONMENT,
        signal,
      })
      return { value: undefined, detail }
    })
    await steps.run('Seed the shop', async () => {
      const line = await seedShop({ layout, database, signal })
      return { value: undefined, detail: line }
    })
    shop = await steps.run('Start the shop (telemetry to the dashboard)', async () => {
      await ensurePortStillFree({ port: ports.shop, label: 'shop', variable: 'DORM_DEMO_SHOP_PORT' })
      const running = await startShop({
        layout,
        database,
        port: ports.shop,
        dashboardUrl,
        environment: DEMO_ENVIRONMENT,
        telemetryIntervalS,
        signal,
      })
      shop = running
      return { value: running, detail: `${running.url}, reporting every ${telemetryIntervalS} s` }
    })
    const shopUrl = shop.url
    traffic = await steps.run('Drive traffic through the shop', async () => {
      const loop = await startTrafficLoop({
        baseUrl: shopUrl,
        logFile: join(layout.logs, 'traffic.log'),
        signal,
        print,
      })
      return { value: loop, detail: 'continuous: catalogue, orders, slow report, N+1 report, pool bursts' }
    })
    check()
    printReady({ print, elapsedMs: performance.now() - started, dashboardUrl, shopUrl, password, layout })
    const died = await untilStopped(signal, [dashboard.process, shop.process])
    if (died !== undefined) {
      const exit = await died.exited
      const failure = new StepFailure(
        `the ${died.name} stopped unexpectedly (exit ${exit.code ?? exit.signal}).`,
        `Read its log, fix the cause and run npm start again.`,
        { logFile: died.logFile, details: died.tail(25) },
      )
      process.stderr.write(failureReport(failure))
      exitCode = 1
    }
  } catch (error) {
    if (error instanceof Interrupted || signal.aborted) {
      exitCode = 0
    } else {
      const failure =
        error instanceof StepFailure ? error : new StepFailure(String(error), 'This is unexpected: please report it.')
      process.stderr.write(failureReport(failure))
      exitCode = 1
    }
  }
  controller.abort()
  await stopAll({ print, traffic, shop: shop?.process, dashboard: dashboard?.process })
  process.off('exit', killEverythingNow)
  return exitCode
}

/** Waits for the signal to abort, or for one of the processes to exit (returned). */
async function untilStopped(signal: AbortSignal, processes: ManagedProcess[]): Promise<ManagedProcess | undefined> {
  const aborted = new Promise<undefined>((resolve) => {
    if (signal.aborted) resolve(undefined)
    signal.addEventListener('abort', () => resolve(undefined), { once: true })
  })
  return Promise.race([aborted, ...processes.map((child) => child.exited.then(() => child))])
}

async function stopAll(options: {
  print: (line: string) => void
  traffic: TrafficLoop | undefined
  shop: ManagedProcess | undefined
  dashboard: ManagedProcess | undefined
}): Promise<void> {
  const { print } = options
  if (options.traffic) {
    await options.traffic.done
    const totals = options.traffic.totals()
    print(`Stopped the traffic: ${totals.requests} requests in ${totals.rounds} rounds, ${totals.errors} failed.`)
  }
  // the shop first, so its exporter's last flush still reaches the dashboard
  for (const [child, signalName] of [
    [options.shop, 'SIGINT'],
    [options.dashboard, 'SIGTERM'],
  ] as const) {
    if (child === undefined) continue
    const began = performance.now()
    const exit = await child.stop(signalName, 10_000)
    const how = exit.code !== null ? `exit ${exit.code}` : `${exit.signal}`
    print(`Stopped the ${child.name} (${how}, ${seconds(performance.now() - began)}).`)
  }
  for (const name of await stopRemaining()) print(`Stopped the ${name}.`)
}
