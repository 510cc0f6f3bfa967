/**
 * Child processes of the e2e setup: run a TypeScript helper to completion (through tsx) and start a
 * long-running server whose output is kept for the failure message.
 *
 * @example
 * ```ts
 * const out = await runTs(join(E2E_DIR, 'support', 'seed-keys.ts'), { cwd: DASHBOARD_DIR, env })
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { TSX_LOADER } from './paths.js'

/** Output of a finished process. */
export interface Finished {
  stdout: string
  stderr: string
}

/**
 * Runs `node <args>` to completion; rejects with its output when it exits non-zero or outlives
 * `timeoutMs`.
 *
 * @example
 * ```ts
 * await runNode(['node_modules/next/dist/bin/next', 'build'], { cwd: DASHBOARD_DIR })
 * ```
 */
export function runNode(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; echo?: boolean },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (options.echo) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      if (options.echo) process.stderr.write(chunk)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve({ stdout, stderr })
      else {
        reject(
          new Error(
            `node ${args.join(' ')} exited with ${code ?? signal}\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`,
          ),
        )
      }
    })
  })
}

/**
 * Runs a TypeScript file through tsx to completion.
 *
 * @example
 * ```ts
 * const { stdout } = await runTs('/abs/support/seed-keys.ts', { cwd: DASHBOARD_DIR, env: { DASHBOARD_DATA_DIR } })
 * ```
 */
export function runTs(
  file: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; echo?: boolean },
): Promise<Finished> {
  return runNode(['--import', TSX_LOADER, file], options)
}

/** A server started by {@link startServer}. */
export interface RunningServer {
  readonly child: ChildProcess
  /** What it printed so far. */
  output(): string
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
  stop(): Promise<void>
}

/**
 * Starts `node <args>` in the background.
 *
 * @example
 * ```ts
 * const server = startServer(['node_modules/next/dist/bin/next', 'start', '-p', '3000'], { cwd, env })
 * ```
 */
export function startServer(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): RunningServer {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = `${output}${chunk}`.slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}
