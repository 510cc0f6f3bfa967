/**
 * A long-running child process of the soak: its output streamed to a log file (half an hour of
 * logs is not kept in memory), its own process group (so a stop also reaches anything it forked),
 * a graceful stop (SIGTERM, then SIGKILL of the group after a grace period) and its exit code.
 *
 * @example
 * ```ts
 * const shop = startSoakProcess({ name: 'shop', args: ['--import', 'tsx', 'server.ts'], cwd, env, logFile })
 * const line = await shop.firstStdoutLine
 * expect(await shop.stop()).toEqual({ code: 0, signal: null })
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { Readable, Writable } from 'node:stream'

/** How a process ended. */
export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child started by {@link startSoakProcess}. */
export interface SoakProcess {
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  /** Resolves to the first line printed on stdout (rejects when the process exits first). */
  readonly firstStdoutLine: Promise<string>
  /** Resolves when the process exited. */
  readonly exited: Promise<ProcessExit>
  /**
   * The `ws://` inspector addresses its process tree printed (with `inspect: true`): see
   * inspector-memory.ts.
   */
  readonly inspectorUrls: readonly string[]
  /** Every line printed on stdout (the traffic driver's reports). */
  onStdoutLine(listener: (line: string) => void): void
  alive(): boolean
  /** SIGTERM, then SIGKILL to the whole group after `graceMs`; resolves to how it ended. */
  stop(graceMs?: number): Promise<ProcessExit>
}

/**
 * Starts `node <args>` in its own process group.
 *
 * @example
 * ```ts
 * startSoakProcess({ name: 'dashboard', args: [NEXT_BIN, 'start'], cwd: DASHBOARD_DIR, env, logFile: '/tmp/d.log' })
 * ```
 */
export function startSoakProcess(options: {
  name: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  logFile: string
  /**
   * Open the V8 inspector on a free loopback port in this process and the node processes it
   * starts (`NODE_OPTIONS=--inspect=127.0.0.1:0`), so the soak can read retained memory.
   */
  inspect?: boolean
}): SoakProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' })
  const env = { ...options.env }
  if (options.inspect) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim()
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own group: killing -pid reaches what it forks
  })
  const listeners: Array<(line: string) => void> = []
  let resolveFirst: (line: string) => void = () => undefined
  let rejectFirst: (err: Error) => void = () => undefined
  const firstStdoutLine = new Promise<string>((resolve, reject) => {
    resolveFirst = resolve
    rejectFirst = reject
  })
  firstStdoutLine.catch(() => undefined) // observed by whoever awaits it
  teeLines(child.stdout, log, (line) => {
    resolveFirst(line)
    for (const listener of listeners) listener(line)
  })
  const inspectorUrls: string[] = []
  teeLines(child.stderr, log, (line) => {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1]
    if (url !== undefined) inspectorUrls.push(url)
  })
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      rejectFirst(
        new Error(`${options.name} exited (${code ?? signal}) before printing a line; see ${options.logFile}`),
      )
      resolve({ code, signal })
    })
  })
  void exited.then(() => new Promise((resolve) => child.once('close', resolve))).then(() => log.end())
  const alive = () => child.exitCode === null && child.signalCode === null
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal)
    } catch {
      // the group is gone already
    }
  }
  return {
    name: options.name,
    child,
    pid: child.pid as number,
    firstStdoutLine,
    exited,
    inspectorUrls,
    onStdoutLine: (listener) => listeners.push(listener),
    alive,
    async stop(graceMs = 15_000) {
      if (alive()) child.kill('SIGTERM')
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs)
      const exit = await exited
      clearTimeout(timer)
      killGroup('SIGKILL') // anything it forked and left behind
      return exit
    },
  }
}

/** Copies a child's stream to its log and hands each complete line to `onLine`. */
function teeLines(stream: Readable | null, log: Writable, onLine: (line: string) => void): void {
  let pending = ''
  stream?.on('data', (chunk: Buffer) => {
    log.write(chunk)
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line)
  })
}
