/** The orchestrator's handle on one child: spawn (pinned to core 0 when asked), request, reply. */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildSpec, FromChild, RoundResult, ToChild } from './protocol.js'

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url))

/**
 * A running contender process.
 *
 * @example
 * ```ts
 * const child = await ChildHandle.start(spec, { pin: true })
 * const { result } = await child.round(1000)
 * await child.close()
 * ```
 */
export class ChildHandle {
  readonly #process: ChildProcess
  #pending: { resolve(m: FromChild): void; reject(e: Error): void } | null = null
  #stderr = ''

  private constructor(process: ChildProcess) {
    this.#process = process
    process.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)
    })
    process.on('message', (message: FromChild) => {
      const pending = this.#pending
      this.#pending = null
      if (!pending) return
      if (message.type === 'error') pending.reject(new Error(message.message))
      else pending.resolve(message)
    })
    process.on('exit', (code) => {
      const pending = this.#pending
      this.#pending = null
      pending?.reject(new Error(`child exited with ${code}: ${this.#stderr.trim().split('\n').slice(-5).join(' | ')}`))
    })
  }

  /** Spawns the child and waits until its contender is open and set up. */
  static async start(spec: ChildSpec, options: { pin: boolean; timeoutMs?: number }): Promise<ChildHandle> {
    const nodeArgs = ['--expose-gc', '--import', 'tsx', CHILD]
    const [command, args] = options.pin
      ? ['taskset', ['-c', '0', process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs]
    const child = spawn(command as string, args as string[], {
      env: { ...process.env, BENCH_CHILD: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    })
    const handle = new ChildHandle(child)
    await handle.#await(options.timeoutMs ?? 180_000)
    return handle
  }

  #await(timeoutMs: number): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = null
        reject(new Error(`child did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending = {
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      }
    })
  }

  async #request(message: ToChild, timeoutMs = 300_000): Promise<FromChild> {
    const reply = this.#await(timeoutMs)
    this.#process.send(message)
    return reply
  }

  /** The checksum of the workload's fixed-input result. */
  async verify(): Promise<{ checksum: string | null; sample: string }> {
    const reply = await this.#request({ type: 'verify' })
    if (reply.type !== 'verified') throw new Error(`unexpected reply ${reply.type}`)
    return reply
  }

  /** One timed round of `ops` operations. */
  async round(ops: number): Promise<RoundResult> {
    const reply = await this.#request({ type: 'round', ops })
    if (reply.type !== 'round') throw new Error(`unexpected reply ${reply.type}`)
    return reply.result
  }

  /**
   * Stops the process (SIGSTOP) while another contender runs a round: all children share core 0,
   * and an idle child's own threads and timers (driver threads, pool timers) would otherwise take
   * slices of it in the middle of somebody else's measurement.
   */
  pause(): void {
    if (this.#process.exitCode === null) this.#process.kill('SIGSTOP')
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    if (this.#process.exitCode === null) this.#process.kill('SIGCONT')
  }

  /** Closes the contender and waits for the process to end (killed after 10 s). */
  async close(): Promise<void> {
    if (this.#process.exitCode !== null) return
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()))
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 10_000)
    try {
      this.#process.send({ type: 'close' } satisfies ToChild)
    } catch {
      this.#process.kill('SIGKILL')
    }
    await exited
    clearTimeout(timer)
  }
}
