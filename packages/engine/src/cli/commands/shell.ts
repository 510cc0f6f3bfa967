/**
 * `dorm shell [--command <code>]`: a Node REPL with the settings loaded and every model in scope,
 * or, with `--command`, one awaited expression whose result is printed (scripts and tests).
 */
import repl from 'node:repl'
import { inspect } from 'node:util'
import { closeAll, getConnection, poolStats } from '../../db/connection-registry.js'
import { healthCheck } from '../../db/health.js'
import { atomic } from '../../db/transaction.js'
import type { ModelClassLike } from '../../models/model-meta.js'
import { allModels, getModel } from '../../models/registry.js'
import { Avg, Count, Max, Min, Sum } from '../../query/aggregates.js'
import { F, Q, Value } from '../../query/expressions.js'
import { type CliIo, type CommandSpec, EXIT } from '../command.js'

const AsyncFunction = (async () => undefined).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>

const HELPERS: Readonly<Record<string, unknown>> = {
  getConnection,
  poolStats,
  healthCheck,
  closeAll,
  atomic,
  getModel,
  Q,
  F,
  Value,
  Count,
  Sum,
  Avg,
  Min,
  Max,
}

/**
 * The names the shell puts in scope: the helpers, then every registered model by its class name
 * (`Book`). Two models with one class name in different apps both go by `<app>_<Name>` instead.
 *
 * @example
 * ```ts
 * const scope = shellScope()
 * await (scope.Book as typeof Book).objects.count()
 * ```
 */
export function shellScope(): Record<string, unknown> {
  const scope: Record<string, unknown> = { ...HELPERS }
  const models = allModels()
  const byName = new Map<string, ModelClassLike[]>()
  for (const model of models) {
    const list = byName.get(model.meta.objectName) ?? []
    list.push(model)
    byName.set(model.meta.objectName, list)
  }
  for (const [name, list] of byName) {
    if (list.length === 1) scope[name] = list[0]
    else for (const model of list) scope[`${model.meta.appLabel}_${name}`] = model
  }
  return scope
}

/**
 * Evaluates `code` as one expression (or, when it is not one, as a function body) with `scope`'s
 * names bound, and awaits the result.
 *
 * @example
 * ```ts
 * await evaluate('await Book.objects.count()', shellScope()) // 3
 * ```
 */
export async function evaluate(code: string, scope: Readonly<Record<string, unknown>>): Promise<unknown> {
  const names = Object.keys(scope)
  let fn: (...values: unknown[]) => Promise<unknown>
  try {
    // the newline keeps a trailing // comment from swallowing the closing parenthesis
    fn = new AsyncFunction(...names, `return (${code}\n)`)
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
    fn = new AsyncFunction(...names, code)
  }
  return await fn(...names.map((name) => scope[name]))
}

/** Prints like `node -p`: strings as they are, anything else through util.inspect. */
function printResult(io: CliIo, value: unknown): void {
  const text = typeof value === 'string' ? value : inspect(value, { depth: 4 })
  io.stdout(`${text}\n`)
}

function startRepl(io: CliIo, scope: Record<string, unknown>): Promise<number> {
  const models = Object.keys(scope).filter((name) => !(name in HELPERS))
  io.stdout(
    `dorm shell. Models: ${models.length > 0 ? models.join(', ') : '(none: check INSTALLED_APPS)'}\n` +
      `Also: ${Object.keys(HELPERS).join(', ')}. Top-level await works. .exit or Ctrl-D to leave.\n`,
  )
  // useGlobal: the REPL evaluates in this realm, so instanceof checks against dorm's classes hold
  const server = repl.start({ prompt: 'dorm> ', useGlobal: true })
  Object.assign(server.context, scope)
  return new Promise((resolve) => server.on('exit', () => resolve(EXIT.ok)))
}

/**
 * Opens a REPL with the settings loaded and the models, `getConnection`, `Q`, `F`, `atomic` and the
 * aggregates in scope; `--command <code>` evaluates one expression instead and prints its result.
 *
 * @example
 * ```ts
 * // $ dorm shell --command "await Book.objects.filter({ author__name: 'Ann' }).count()"
 * await main(['shell', '--command', 'await Book.objects.count()'], io) // prints e.g. 3
 * ```
 */
export const shellCommand: CommandSpec = {
  name: 'shell',
  summary: 'REPL with the settings loaded and every model in scope',
  help: [
    'In scope: every registered model by class name (Book, Author, ...; <app>_<Name> when two apps',
    `share a class name), plus ${Object.keys(HELPERS).join(', ')}.`,
    '',
    'Examples:',
    '  dorm shell',
    '  dorm shell --command "await Book.objects.count()"',
  ].join('\n'),
  options: [{ flags: '-c, --command <code>', description: 'evaluate one expression (awaited), print it and exit' }],
  needsSettings: true,
  async run({ io, options }) {
    const scope = shellScope()
    if (typeof options.command === 'string') {
      printResult(io, await evaluate(options.command, scope))
      return EXIT.ok
    }
    return await startRepl(io, scope)
  },
}
