/**
 * Everything a scenario printed or logged, kept for the secrets scan: every dorm log record (at
 * INFO and above, with its structured data) plus the scenario's own notes, written with
 * `recordOutput()` at the end. With a sink registered, dorm's WARNINGs no longer go to stderr, so
 * the test output stays readable while the record stays complete.
 *
 * @example
 * ```ts
 * const output = captureScenarioOutput()
 * output.note(`acknowledged ${n}`)
 * await output.save('pg-restart')
 * ```
 */
import { addLogSink, setLogLevel } from '@dorm/engine'
import { recordOutput } from '../../../support/figures.js'

export interface ScenarioOutput {
  /** The lines so far. */
  readonly lines: readonly string[]
  /** Adds a line of the scenario's own. */
  note(line: string): void
  /** How many log records came from `logger` (e.g. `dorm.db`) so far. */
  countFrom(logger: string): number
  /** Stops capturing and writes the record. */
  save(scenario: string): Promise<void>
}

/** Starts capturing dorm's log records. */
export function captureScenarioOutput(): ScenarioOutput {
  const lines: string[] = []
  const perLogger = new Map<string, number>()
  setLogLevel('dorm', 'INFO')
  const remove = addLogSink((record) => {
    perLogger.set(record.logger, (perLogger.get(record.logger) ?? 0) + 1)
    lines.push(
      `${record.time.toISOString()} ${record.level} ${record.logger} ${record.message} ${JSON.stringify(record.data ?? {})}`,
    )
  })
  return {
    lines,
    note(line) {
      lines.push(line)
    },
    countFrom(logger) {
      return perLogger.get(logger) ?? 0
    },
    async save(scenario) {
      remove()
      setLogLevel('dorm', null)
      await recordOutput(scenario, `${lines.join('\n')}\n`)
    },
  }
}
