/**
 * `dorm health [--alias A] [--deep]`: the health report of one database alias as JSON, for
 * deploy scripts and container probes.
 */
import { healthCheck } from '../../db/health.js'
import { type CommandSpec, EXIT } from '../command.js'

/**
 * Prints `healthCheck()`'s report (2-space JSON) and exits 1 when its status is `error`, 0 when ok.
 *
 * @example
 * ```ts
 * // $ dorm health --alias replica --deep
 * await main(['health', '--alias', 'replica', '--deep'], io) // 0 or 1
 * ```
 */
export const healthCommand: CommandSpec = {
  name: 'health',
  summary: 'health report JSON; exit 1 when status is error',
  help: [
    'Runs SELECT 1 on the alias (one attempt, 5 s timeout) and prints the report:',
    '  { "status": "ok" | "error", "alias": ..., "elapsed_ms": ..., "error"?: "<ErrorClass>: <message>" }',
    'With --deep the report also carries the pool statistics under "pool".',
    '',
    'Examples:',
    '  dorm health',
    '  dorm health --alias replica --deep',
  ].join('\n'),
  options: [
    { flags: '--alias <alias>', description: 'database alias to check', defaultValue: 'default' },
    { flags: '--deep', description: 'add the pool statistics to the report' },
  ],
  needsSettings: true,
  async run({ io, options }) {
    const report = await healthCheck({ alias: String(options.alias ?? 'default'), deep: options.deep === true })
    io.stdout(`${JSON.stringify(report, null, 2)}\n`)
    return report.status === 'error' ? EXIT.findings : EXIT.ok
  },
}
