import { addLogSink, type LogLevel, type LogRecord, resetLogging, setLogLevel } from '../../src/db/logging.js'

/**
 * Collects log records for a test. Levels given are set on the named loggers; call `stop()` (or
 * `resetLogging()` in afterEach) to restore the defaults.
 */
export function captureLogs(levels: Record<string, LogLevel> = {}): { records: LogRecord[]; stop(): void } {
  const records: LogRecord[] = []
  for (const [name, level] of Object.entries(levels)) setLogLevel(name, level)
  const remove = addLogSink((r) => records.push(r))
  return {
    records,
    stop() {
      remove()
      resetLogging()
    },
  }
}
