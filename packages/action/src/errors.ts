/**
 * Why the Action fails, each with its own exit code so logs and callers can tell a risky migration
 * from a broken setup. `core.setFailed` reports the message; the process then exits with the code.
 */

/** What made the run fail; also the `failure` output. */
export type FailureKind = 'findings' | 'drift' | 'lock-timeout' | 'configuration' | 'command-failed'

/**
 * Exit code per failure: 1 findings at or above `fail-on`, 2 schema drift, 3 the migrate lock or a
 * table lock was not available in time, 4 configuration error (bad input, settings, missing `dorm`,
 * unknown git ref), 5 a dorm command failed (a migration statement, the database).
 */
export const EXIT_CODES: Readonly<Record<FailureKind | 'ok', number>> = {
  ok: 0,
  findings: 1,
  drift: 2,
  'lock-timeout': 3,
  configuration: 4,
  'command-failed': 5,
}

/**
 * A failure with its kind; the message says what went wrong and how to fix it.
 *
 * @example
 * ```ts
 * throw new ActionFailure('lock-timeout', 'dorm migrate could not take the migrate lock in 60 s: ...')
 * ```
 */
export class ActionFailure extends Error {
  readonly kind: FailureKind

  constructor(kind: FailureKind, message: string) {
    super(message)
    this.name = 'ActionFailure'
    this.kind = kind
  }

  /** The process exit code for this failure. */
  get exitCode(): number {
    return EXIT_CODES[this.kind]
  }
}

/**
 * A bad input or project setup, found before anything ran against the database.
 *
 * @example
 * ```ts
 * throw new ConfigurationError("Unknown command 'lnt'. Use one of: lint, dry-run, migrate, diff, check.")
 * ```
 */
export class ConfigurationError extends ActionFailure {
  constructor(message: string) {
    super('configuration', message)
    this.name = 'ConfigurationError'
  }
}
