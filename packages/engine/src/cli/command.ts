/**
 * The shape of a `dorm` command. Each command lives in `commands/<name>.ts`, exports one
 * {@link CommandSpec}, and returns an exit code: 0 ok, 1 findings / drift / pending, 2 usage or
 * configuration error, 3 lock timeout. Commands print through `io` (never `console`) so tests can
 * run them in-process.
 */

/** Where a command writes and what it runs in. `stdout`/`stderr` are raw writes: callers add `\n`. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
}

/** One `--option` of a command. */
export interface OptionSpec {
  /** commander flags, e.g. `'--format <format>'`, `'--dry-run'`, `'--rule <code...>'`. */
  readonly flags: string
  readonly description: string
  readonly defaultValue?: unknown
  /** Allowed values, checked by the parser (e.g. `['text', 'json']`). */
  readonly choices?: readonly string[]
}

/** A positional argument, e.g. `[app]` or `<name>`. */
export interface ArgumentSpec {
  /** commander syntax: `'[app]'`, `'<name>'`, `'[apps...]'`. */
  readonly name: string
  readonly description: string
}

/** What `run` receives. */
export interface CommandContext {
  readonly io: CliIo
  /** Parsed options, camelCased by the parser (`--dry-run` -> `dryRun`). */
  readonly options: Readonly<Record<string, unknown>>
  /** Positional arguments in declaration order (variadic ones as arrays). */
  readonly args: readonly unknown[]
}

/**
 * A `dorm` subcommand.
 *
 * @example
 * ```ts
 * export const healthCommand: CommandSpec = {
 *   name: 'health',
 *   summary: 'print the health report JSON; exit 1 when status is error',
 *   options: [{ flags: '--alias <alias>', description: 'database alias', defaultValue: 'default' }],
 *   needsSettings: true,
 *   async run({ io, options }) { ...; return 0 },
 * }
 * ```
 */
export interface CommandSpec {
  readonly name: string
  /** One line for `dorm --help`. */
  readonly summary: string
  /** Longer help shown by `dorm <command> --help` (examples welcome). */
  readonly help?: string
  readonly arguments?: readonly ArgumentSpec[]
  readonly options: readonly OptionSpec[]
  /** Whether settings (dorm.config.ts, --settings, DORM_SETTINGS) and INSTALLED_APPS' models load first. */
  readonly needsSettings: boolean
  run(context: CommandContext): Promise<number>
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2, lockTimeout: 3 } as const
