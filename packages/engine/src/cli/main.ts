/**
 * The `dorm` CLI as a function: parses argv with commander, loads the settings and the installed
 * apps when the command needs them, runs it and returns the exit code. It never calls
 * `process.exit` and writes only through `io`, so tests run it in-process.
 *
 * Exit codes: 0 ok; 1 findings, or a command failed with an error that is not a configuration
 * error (a database error, a bug); 2 usage errors (unknown command or option, missing argument,
 * bad choice), settings or INSTALLED_APPS that fail to load, and `ImproperlyConfigured` thrown by
 * a command; 3 lock timeout (returned by the migration commands themselves).
 */
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { closeAll } from '../db/connection-registry.js'
import { DormError, describeError, ImproperlyConfigured } from '../errors.js'
import { type CliIo, type CommandSpec, EXIT } from './command.js'
import { loadApps } from './load-apps.js'
import { loadSettings } from './load-settings.js'
import { COMMANDS } from './registry.js'

interface Invocation {
  readonly spec: CommandSpec
  readonly options: Record<string, unknown>
  readonly args: unknown[]
}

const HELP_WIDTH = 100

function engineVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below package.json
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

function buildProgram(io: CliIo, commands: readonly CommandSpec[], select: (invocation: Invocation) => void): Command {
  const program = new Command('dorm')
  // set before adding subcommands: .command() copies these settings into each one
  program
    .description('dorm: a Django-style ORM for Node. Migrations, schema checks, health and a shell.')
    .usage('[--settings <path>] <command> [options]')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .option(
      '--settings <path>',
      'settings file (default: $DORM_SETTINGS, else dorm.config.ts/.mts/.js/.mjs in the working directory)',
    )
    .version(engineVersion(), '--version', 'print the version of @dorm/engine')

  for (const spec of commands) {
    const command = program.command(spec.name).summary(spec.summary).description(spec.summary)
    if (spec.help !== undefined) command.addHelpText('after', `\n${spec.help}`)
    for (const argument of spec.arguments ?? []) command.argument(argument.name, argument.description)
    for (const optionSpec of spec.options) {
      const option = new Option(optionSpec.flags, optionSpec.description)
      if (optionSpec.defaultValue !== undefined) option.default(optionSpec.defaultValue)
      if (optionSpec.choices !== undefined) option.choices(optionSpec.choices)
      command.addOption(option)
    }
    // the command runs after parsing, outside commander, so its errors are ours to report
    command.action((...params: unknown[]) => {
      const parsed = params[params.length - 1] as Command
      select({ spec, options: parsed.opts(), args: [...parsed.processedArgs] })
    })
  }
  return program
}

function describeFailure(err: unknown): string {
  // a dorm error's message is written for the user; anything else is a bug, whose stack helps
  if (err instanceof DormError || !(err instanceof Error) || err.stack === undefined) return describeError(err)
  return err.stack
}

/**
 * Runs `dorm` with `argv` (the arguments after the program name) and returns the exit code.
 * Every database pool is closed before it returns, so the process can exit.
 *
 * @example
 * ```ts
 * const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t),
 *   cwd: process.cwd(), env: process.env }
 * process.exitCode = await main(['health', '--deep'], io)
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandSpec[] = COMMANDS,
): Promise<number> {
  let invocation: Invocation | undefined
  const program = buildProgram(io, commands, (selected) => {
    invocation = selected
  })
  try {
    try {
      await program.parseAsync([...argv], { from: 'user' })
    } catch (err) {
      // help and --version end with exit code 0; every parse error with 1, which is our 2
      if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage
      throw err
    }
    if (invocation === undefined) return EXIT.ok
    const { spec, options, args } = invocation
    if (spec.needsSettings) {
      let step = 'settings'
      try {
        const explicitPath = program.opts<{ settings?: string }>().settings
        const loaded = await loadSettings({ cwd: io.cwd, env: io.env, explicitPath })
        step = 'INSTALLED_APPS'
        await loadApps(dirname(loaded.path), loaded.settings.INSTALLED_APPS ?? [])
      } catch (err) {
        const message = err instanceof ImproperlyConfigured ? err.message : describeFailure(err)
        io.stderr(`error loading ${step}: ${message}\n`)
        return EXIT.usage
      }
    }
    return await spec.run({ io, options, args })
  } catch (err) {
    io.stderr(`${describeFailure(err)}\n`)
    return err instanceof ImproperlyConfigured ? EXIT.usage : EXIT.findings
  } finally {
    try {
      await closeAll()
    } catch (err) {
      io.stderr(`while closing the database pools: ${describeError(err)}\n`)
    }
  }
}
