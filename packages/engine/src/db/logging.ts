/**
 * Hierarchical, namespaced logging in the shape of Python's `logging`, which the seed documents:
 * loggers named `dorm.db.pool`, `dorm.db.backends.postgresql`, ... inherit the level of their
 * nearest configured ancestor (`dorm` is WARNING by default), and every record that passes goes to
 * the sinks. With no sink added, records of WARNING and above print to stderr.
 *
 * @example
 * ```ts
 * import { setLogLevel, addLogSink } from '@dorm/engine'
 * setLogLevel('dorm.queries', 'DEBUG')
 * const remove = addLogSink((r) => myLogger.log(r.level, `${r.logger}: ${r.message}`, r.data))
 * ```
 */

/** Levels, lowest first. */
export const LOG_LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 } as const
export type LogLevel = keyof typeof LOG_LEVELS

/** One structured log record, as every sink receives it. */
export interface LogRecord {
  /** Dotted logger name, e.g. `dorm.db.pool`. */
  logger: string
  level: LogLevel
  message: string
  time: Date
  /** Structured context (alias, elapsed_ms, ...). */
  data?: Record<string, unknown>
  /** The error being reported, with its stack, when there is one. */
  error?: unknown
}

export type LogSink = (record: LogRecord) => void

const DEFAULT_ROOT_LEVEL: LogLevel = 'WARNING'
const levels = new Map<string, LogLevel>([['dorm', DEFAULT_ROOT_LEVEL]])
const sinks: LogSink[] = []
const loggers = new Map<string, Logger>()
// bumped on every level change so each logger re-resolves its cached threshold lazily
let generation = 0

function stderrSink(record: LogRecord): void {
  if (LOG_LEVELS[record.level] < LOG_LEVELS.WARNING) return
  const stack = record.error instanceof Error && record.error.stack ? `\n${record.error.stack}` : ''
  process.stderr.write(`${record.level} ${record.logger}: ${record.message}${stack}\n`)
}

function resolveLevel(name: string): number {
  let current = name
  for (;;) {
    const level = levels.get(current)
    if (level !== undefined) return LOG_LEVELS[level]
    const dot = current.lastIndexOf('.')
    if (dot < 0) return LOG_LEVELS[DEFAULT_ROOT_LEVEL]
    current = current.slice(0, dot)
  }
}

/** A named logger. Get one with {@link getLogger}. */
export class Logger {
  readonly name: string
  #threshold = 0
  #generation = -1

  constructor(name: string) {
    this.name = name
  }

  /** Whether a record at `level` would reach the sinks; use it to skip building costly messages. */
  isEnabledFor(level: LogLevel): boolean {
    if (this.#generation !== generation) {
      this.#threshold = resolveLevel(this.name)
      this.#generation = generation
    }
    return LOG_LEVELS[level] >= this.#threshold
  }

  log(level: LogLevel, message: string, data?: Record<string, unknown>, error?: unknown): void {
    if (!this.isEnabledFor(level)) return
    const record: LogRecord = { logger: this.name, level, message, time: new Date() }
    if (data !== undefined) record.data = data
    if (error !== undefined) record.error = error
    if (sinks.length === 0) {
      stderrSink(record)
      return
    }
    for (const sink of sinks) {
      try {
        sink(record)
      } catch (sinkError) {
        // a broken sink must not break the query that logged; tell stderr once per record
        process.stderr.write(`ERROR dorm.logging: a log sink threw: ${String(sinkError)}\n`)
      }
    }
  }

  debug(message: string, data?: Record<string, unknown>): void {
    this.log('DEBUG', message, data)
  }

  info(message: string, data?: Record<string, unknown>): void {
    this.log('INFO', message, data)
  }

  warning(message: string, data?: Record<string, unknown>): void {
    this.log('WARNING', message, data)
  }

  error(message: string, data?: Record<string, unknown>, error?: unknown): void {
    this.log('ERROR', message, data, error)
  }
}

/**
 * The logger with this dotted name (one instance per name).
 *
 * @example
 * ```ts
 * getLogger('dorm.db.pool').info('pool opened', { alias: 'default' })
 * ```
 */
export function getLogger(name: string): Logger {
  let logger = loggers.get(name)
  if (logger === undefined) {
    logger = new Logger(name)
    loggers.set(name, logger)
  }
  return logger
}

/**
 * Sets the level of a logger and, through inheritance, of every logger below it.
 * `null` removes the setting so the logger inherits again.
 *
 * @example
 * ```ts
 * setLogLevel('dorm.queries', 'DEBUG')      // every SQL statement
 * setLogLevel('dorm.db.backends.sqlite', 'ERROR') // silence slow-query warnings for SQLite only
 * ```
 */
export function setLogLevel(name: string, level: LogLevel | null): void {
  if (level !== null && !(level in LOG_LEVELS)) {
    throw new TypeError(`Unknown log level '${String(level)}'. Use one of: ${Object.keys(LOG_LEVELS).join(', ')}.`)
  }
  if (level === null) levels.delete(name)
  else levels.set(name, level)
  generation++
}

/**
 * Adds a sink that receives every record passing its logger's level. Returns a function that
 * removes it. While at least one sink is registered, the default stderr printer is off.
 *
 * @example
 * ```ts
 * const records: LogRecord[] = []
 * const remove = addLogSink((r) => records.push(r))
 * remove()
 * ```
 */
export function addLogSink(sink: LogSink): () => void {
  sinks.push(sink)
  return () => {
    const index = sinks.indexOf(sink)
    if (index >= 0) sinks.splice(index, 1)
  }
}

/** Restores the defaults: `dorm` at WARNING, no other levels, no sinks (stderr printer on). */
export function resetLogging(): void {
  levels.clear()
  levels.set('dorm', DEFAULT_ROOT_LEVEL)
  sinks.length = 0
  generation++
}
