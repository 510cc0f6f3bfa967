/**
 * Child processes of the demo. Each runs in its own process group (so a Ctrl-C in the terminal
 * reaches only the demo, which then stops them in order) with its output appended to a log file
 * under the demo dir. Every started process is tracked, so an unexpected exit of the demo still
 * kills whatever is left (no orphan keeps a port).
 *
 * @example
 * ```ts
 * const server = startProcess({ name: 'shop', command: process.execPath, args: ['server.ts'], cwd, logFile })
 * await server.stop()
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'

/** How a process ended. */
export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** What to start. */
export interface ProcessSpec {
  /** Short name for messages (`dashboard`, `shop`). */
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  /** Added to the demo's own environment. */
  readonly env?: NodeJS.ProcessEnv
  /** Where stdout and stderr go (appended). */
  readonly logFile: string
  /** Called with each stdout line (e.g. to spot a "listening" line). */
  readonly onLine?: (line: string) => void
}

/** A started child. */
export interface ManagedProcess {
  readonly name: string
  readonly child: ChildProcess
  readonly logFile: string
  /** Resolves when the process exited (never rejects). */
  readonly exited: Promise<Exit>
  /** The last lines it printed (stdout and stderr), for error messages. */
  tail(lines?: number): string
  /** `signal` to its whole process group, SIGKILL after `graceMs`; resolves once it exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>
}

const live = new Set<ManagedProcess>()

/** The text without terminal color codes (for messages; the log files keep them). */
function withoutColors(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

function openLog(file: string): WriteStream {
  mkdirSync(dirname(file), { recursive: true })
  return createWriteStream(file, { flags: 'a' })
}

/**
 * Starts a process in its own process group.
 *
 * @example
 * ```ts
 * const next = startProcess({ name: 'dashboard', command: process.execPath, args: [nextBin, 'start'], cwd, logFile })
 * ```
 */
export function startProcess(spec: ProcessSpec): ManagedProcess {
  const log = openLog(spec.logFile)
  log.write(`\n--- ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`)
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let recent: string[] = []
  let partial = ''
  const remember = (chunk: Buffer, isStdout: boolean) => {
    log.write(chunk)
    const text = partial + chunk.toString()
    const lines = text.split('\n')
    partial = lines.pop() ?? ''
    recent = [...recent, ...lines].slice(-200)
    if (isStdout && spec.onLine) for (const line of lines) spec.onLine(line)
  }
  child.stdout?.on('data', (chunk: Buffer) => remember(chunk, true))
  child.stderr?.on('data', (chunk: Buffer) => remember(chunk, false))
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => {
      log.write(`\n[demo] could not start ${spec.command}: ${error.message}\n`)
      recent.push(`could not start ${spec.command}: ${error.message}`)
      resolve({ code: -1, signal: null })
    })
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  const managed: ManagedProcess = {
    name: spec.name,
    child,
    logFile: spec.logFile,
    exited,
    tail: (lines = 20) =>
      [...recent, partial]
        .map(withoutColors)
        .filter((line) => line.trim() !== '')
        .slice(-lines)
        .join('\n'),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (!hasExited(child)) {
        signalGroup(child, signal)
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      // the leader is gone: take down anything it left in its group
      signalGroup(child, 'SIGKILL')
      return exited
    },
  }
  live.add(managed)
  void exited.then(() => {
    live.delete(managed)
    log.end()
  })
  return managed
}

/** A finished run. */
export interface Finished extends Exit {
  readonly output: string
}

/**
 * Runs a process to its end (in its own group, logged like the others); `signal` aborts it.
 *
 * @example
 * ```ts
 * const { code, output } = await runToEnd({ name: 'build', command: 'npx', args: ['turbo', 'run', 'build'], cwd, logFile })
 * ```
 */
export async function runToEnd(spec: ProcessSpec, signal?: AbortSignal): Promise<Finished> {
  const started = startProcess(spec)
  const abort = () => void started.stop()
  signal?.addEventListener('abort', abort, { once: true })
  try {
    const exit = await started.exited
    return { ...exit, output: started.tail(60) }
  } finally {
    signal?.removeEventListener('abort', abort)
  }
}

/**
 * SIGKILL to every process group still running: the last resort when the demo exits abruptly.
 *
 * @example
 * ```ts
 * process.on('exit', killEverythingNow)
 * ```
 */
export function killEverythingNow(): void {
  for (const managed of live) signalGroup(managed.child, 'SIGKILL')
}

/**
 * Stops (SIGTERM, then SIGKILL after `graceMs`) every process still running, e.g. one whose start
 * was interrupted before the demo held on to it. Resolves with their names.
 *
 * @example
 * ```ts
 * const stopped = await stopRemaining()
 * ```
 */
export async function stopRemaining(graceMs = 5000): Promise<string[]> {
  const remaining = [...live]
  await Promise.all(remaining.map((managed) => managed.stop('SIGTERM', graceMs)))
  return remaining.map((managed) => managed.name)
}
