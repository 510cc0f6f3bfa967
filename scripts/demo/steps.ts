/**
 * The demo's step-by-step output: one line per step with what it did and how long it took, and on
 * failure a block naming the step, what went wrong, the fix and the log to read.
 *
 * @example
 * ```ts
 * const steps = new StepRunner(11)
 * const port = await steps.run('Pick the ports', async () => ({ value: 3000, detail: 'dashboard 3000' }))
 * // [ 4/11] Pick the ports ... dashboard 3000 (0.0 s)
 * ```
 */

/**
 * A failed step's cause, with the fix a newcomer can apply (and the log that says more).
 *
 * @example
 * ```ts
 * throw new StepFailure('port 3000 is in use.', 'Set DORM_DEMO_DASHBOARD_PORT to another port.')
 * ```
 */
export class StepFailure extends Error {
  readonly fix: string
  readonly logFile: string | undefined
  readonly details: string | undefined

  constructor(message: string, fix: string, options: { logFile?: string; details?: string } = {}) {
    super(message)
    this.name = 'StepFailure'
    this.fix = fix
    this.logFile = options.logFile
    this.details = options.details
  }
}

/**
 * The demo was interrupted (Ctrl-C) while a step ran.
 *
 * @example
 * ```ts
 * if (signal.aborted) throw new Interrupted()
 * ```
 */
export class Interrupted extends Error {
  constructor() {
    super('interrupted')
    this.name = 'Interrupted'
  }
}

/** What a step gives back: its value and the words printed after its label. */
export interface StepResult<T> {
  readonly value: T
  readonly detail: string
}

/** Seconds with one decimal. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/**
 * Runs the steps in order and prints them.
 *
 * @example
 * ```ts
 * const steps = new StepRunner(3, (text) => process.stdout.write(text))
 * ```
 */
export class StepRunner {
  private done = 0
  private readonly total: number
  private readonly write: (text: string) => void

  private readonly signal: AbortSignal | undefined

  /** `signal`: once it aborted (Ctrl-C), a failing step is reported as interrupted, not as failed. */
  constructor(
    total: number,
    write: (text: string) => void = (text) => process.stdout.write(text),
    signal?: AbortSignal,
  ) {
    this.total = total
    this.write = write
    this.signal = signal
  }

  private prefix(): string {
    const width = String(this.total).length
    return `[${String(this.done + 1).padStart(width)}/${this.total}]`
  }

  /**
   * Prints a step that already happened (e.g. the install done before TypeScript could run).
   *
   * @example
   * ```ts
   * steps.record('Install dependencies', 'up to date', 120)
   * ```
   */
  record(label: string, detail: string, elapsedMs: number): void {
    this.write(`${this.prefix()} ${label} ... ${detail} (${seconds(elapsedMs)})\n`)
    this.done++
  }

  /**
   * Runs one step; a thrown error is given the step's label and rethrown as a {@link StepFailure}.
   *
   * @example
   * ```ts
   * const keys = await steps.run('Create the keys', async () => ({ value: keys, detail: 'reused' }))
   * ```
   */
  async run<T>(label: string, body: () => Promise<StepResult<T>>): Promise<T> {
    const started = performance.now()
    this.write(`${this.prefix()} ${label} ... `)
    try {
      const { value, detail } = await body()
      this.write(`${detail} (${seconds(performance.now() - started)})\n`)
      this.done++
      return value
    } catch (error) {
      const elapsed = seconds(performance.now() - started)
      if (error instanceof Interrupted || this.signal?.aborted) {
        this.write(`interrupted (${elapsed})\n`)
        throw new Interrupted()
      }
      this.write(`FAILED (${elapsed})\n`)
      if (error instanceof StepFailure) throw new StepFailure(`${label}: ${error.message}`, error.fix, error)
      const message = error instanceof Error ? error.message : String(error)
      throw new StepFailure(
        `${label}: ${message}`,
        'This is unexpected: run npm start again; if it fails the same way, report it with this output.',
        { details: error instanceof Error ? error.stack : undefined },
      )
    }
  }
}

/**
 * The failure block printed on stderr.
 *
 * @example
 * ```ts
 * process.stderr.write(failureReport(failure))
 * ```
 */
export function failureReport(failure: StepFailure): string {
  const lines = ['', `npm start failed at step "${failure.message}"`, `  Fix: ${failure.fix}`]
  if (failure.logFile !== undefined) lines.push(`  Log: ${failure.logFile}`)
  if (failure.details !== undefined && failure.details.trim() !== '') {
    lines.push(
      '  Last output:',
      ...failure.details
        .trim()
        .split('\n')
        .map((line) => `    ${line}`),
    )
  }
  return `${lines.join('\n')}\n`
}
