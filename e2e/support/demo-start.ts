/**
 * `npm start` as a user runs it, for the e2e spec: `node scripts/start.mjs` with its own demo dir
 * and ports, its output kept, the "Ready in" block parsed (dashboard URL, login, shop URL), the
 * process tree recorded while it runs (from /proc), and Ctrl-C as SIGINT to the script.
 *
 * @example
 * ```ts
 * const demo = await startDemo({ demoDir, dashboardPort, shopPort })
 * await page.goto(demo.ready.dashboardUrl)
 * const exit = await demo.interrupt()
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './paths.js'

/** What the ready block says. */
export interface DemoReady {
  readonly dashboardUrl: string
  readonly password: string
  readonly shopUrl: string
}

/** A running `npm start`. */
export interface StartedDemo {
  readonly child: ChildProcess
  readonly ready: DemoReady
  /** Everything it printed so far (stdout and stderr). */
  output(): string
  /** Every process below it right now (children, their children...). */
  descendants(): number[]
  /** SIGINT to the script (Ctrl-C); resolves with how it ended, SIGKILL after `graceMs`. */
  interrupt(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function childrenOf(pid: number): number[] {
  const found: number[] = []
  let tasks: string[] = []
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return found
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim()
      if (text !== '') found.push(...text.split(/\s+/).map(Number))
    } catch {
      // the task ended meanwhile
    }
  }
  return found
}

/**
 * Every descendant of `pid` (Linux /proc).
 *
 * @example
 * ```ts
 * descendantsOf(process.pid)
 * ```
 */
export function descendantsOf(pid: number): number[] {
  const all: number[] = []
  const queue = [pid]
  while (queue.length > 0) {
    const next = queue.shift() as number
    for (const child of childrenOf(next)) {
      all.push(child)
      queue.push(child)
    }
  }
  return all
}

/**
 * Whether a process with this pid still exists (and is not a zombie).
 *
 * @example
 * ```ts
 * isAlive(1234)
 * ```
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/**
 * Runs `node scripts/start.mjs` and resolves once it printed its ready block; rejects with its
 * output when it exits first or is not ready within `readyTimeoutMs`.
 *
 * @example
 * ```ts
 * const demo = await startDemo({ demoDir: '/tmp/d', dashboardPort: 43000, shopPort: 43001 })
 * ```
 */
export async function startDemo(options: {
  demoDir: string
  dashboardPort: number
  shopPort: number
  env?: NodeJS.ProcessEnv
  readyTimeoutMs?: number
}): Promise<StartedDemo> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DORM_DEMO_DIR: options.demoDir,
      DORM_DEMO_DASHBOARD_PORT: String(options.dashboardPort),
      DORM_DEMO_SHOP_PORT: String(options.shopPort),
      DORM_DEMO_PG_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  )
  const ready = await new Promise<DemoReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGINT')
      reject(new Error(`npm start was not ready within ${options.readyTimeoutMs ?? 150_000} ms:\n${output}`))
    }, options.readyTimeoutMs ?? 150_000)
    const look = () => {
      const block = output.slice(output.indexOf('Ready in'))
      const dashboardUrl = /^\s+Dashboard\s+(\S+)/m.exec(block)?.[1]
      const password = /^\s+Login\s+password (\S+)/m.exec(block)?.[1]
      const shopUrl = /^\s+Shop\s+(\S+)/m.exec(block)?.[1]
      if (output.includes('Ready in') && dashboardUrl && password && shopUrl) {
        clearTimeout(timer)
        child.stdout.off('data', look)
        resolve({ dashboardUrl, password, shopUrl })
      }
    }
    child.stdout.on('data', look)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`npm start exited with ${code ?? signal} before it was ready:\n${output}`))
    })
  })
  return {
    child,
    ready,
    output: () => output,
    descendants: () => (child.pid === undefined ? [] : descendantsOf(child.pid)),
    async interrupt(graceMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      const exit = await exited
      clearTimeout(timer)
      return exit
    },
  }
}
