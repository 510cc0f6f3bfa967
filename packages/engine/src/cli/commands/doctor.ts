/**
 * `dorm doctor [--json]`: production footguns in the settings and models, as a pre-deploy gate.
 */
import { formatDoctorReport, runDoctor } from '../../doctor/doctor.js'
import { type CommandSpec, EXIT } from '../command.js'

/**
 * Prints the doctor's report (`dorm doctor — W warning(s), N note(s)`, then `warnings:` / `notes:`,
 * or `everything looks reasonable — go ship.`); `--json` prints `{ warnings, notes }` with codes.
 * Exits 1 when there is any warning, 0 otherwise.
 *
 * @example
 * ```ts
 * // $ WEB_CONCURRENCY=4 dorm doctor --json
 * await main(['doctor', '--json'], io) // 0 or 1
 * ```
 */
export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'production footguns in settings and models',
  help: [
    'Checks each PostgreSQL alias (pool size, MIN > MAX, POOL_TIMEOUT, POOL_CHECK, sslmode on remote hosts,',
    'PREPARE_THRESHOLD behind PgBouncer, MAX_POOL_SIZE x WEB_CONCURRENCY against the server max_connections),',
    'migrations through a pooler (MIGRATION_DATABASE_URL), ForeignKeys without an index, retries disabled,',
    'READ_AFTER_WRITE_WINDOW 0 and the shape of STORAGES. Warnings exit 1; notes never fail.',
    '--no-connect skips the max_connections check (no database needed).',
    '',
    'Examples:',
    '  dorm doctor',
    '  WEB_CONCURRENCY=4 dorm doctor --json',
  ].join('\n'),
  options: [
    { flags: '--json', description: 'print { warnings, notes } as JSON, each with its code' },
    { flags: '--no-connect', description: 'do not connect to read max_connections' },
  ],
  needsSettings: true,
  async run({ io, options }) {
    const report = await runDoctor({ env: io.env, connect: options.connect !== false })
    io.stdout(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report))
    return report.warnings.length > 0 ? EXIT.findings : EXIT.ok
  },
}
