/**
 * `dorm diff [--alias A] [--apps ...] [--json]`: the model registry against the live schema, as a
 * post-deploy check that the last migration landed.
 */
import { diffSchema } from '../../schema/schema-diff.js'
import { type CommandSpec, EXIT } from '../command.js'

/**
 * Prints `OK — no drift detected against alias 'default'.` (exit 0) or `Drift detected against alias
 * 'default': N finding(s)`, a blank line and one `[kind] detail` line per finding (exit 1); with
 * `--json`, `{ "findings": [...], "drift": bool }`.
 *
 * @example
 * ```ts
 * // $ dorm diff --apps library --json
 * await main(['diff', '--apps', 'library', '--json'], io) // 0 or 1
 * ```
 */
export const diffCommand: CommandSpec = {
  name: 'diff',
  summary: 'models vs the live schema; exit 1 on drift',
  help: [
    'Reads the schema of the alias (pg_catalog on PostgreSQL, sqlite_master and pragmas on SQLite/libsql) and',
    'compares it with every concrete, managed model: missing/extra tables and columns, type, nullability and',
    'id-default mismatches, missing indexes (ForeignKeys, dbIndex, unique, meta.indexes) and foreign keys.',
    'Tables starting with dorm_, sqlite_ or pg_ and the junction tables of many-to-many fields are never extra.',
    '--apps takes app labels (or their folders, src/library); extra tables then count only when named <app>_*.',
    '',
    'Examples:',
    '  dorm diff',
    '  dorm diff --alias replica --apps library billing --json',
  ].join('\n'),
  options: [
    { flags: '--alias <alias>', description: 'database alias to compare against', defaultValue: 'default' },
    { flags: '--apps <apps...>', description: 'only these apps (labels, comma or space separated)' },
    { flags: '--json', description: 'print { findings, drift } as JSON' },
  ],
  needsSettings: true,
  async run({ io, options }) {
    const alias = String(options.alias ?? 'default')
    const apps = appList(options.apps)
    // an unknown alias throws ImproperlyConfigured, which the CLI turns into exit 2
    const result = await diffSchema(alias, apps.length > 0 ? { apps } : {})
    if (options.json === true) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`)
    } else if (!result.drift) {
      io.stdout(`OK — no drift detected against alias '${alias}'.\n`)
    } else {
      const lines = result.findings.map((f) => `[${f.kind}] ${f.detail}`)
      io.stdout(
        `Drift detected against alias '${alias}': ${result.findings.length} finding(s)\n\n${lines.join('\n')}\n`,
      )
    }
    return result.drift ? EXIT.findings : EXIT.ok
  },
}

function appList(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
  return raw
    .flatMap((item) => String(item).split(','))
    .map((app) => app.trim())
    .filter((app) => app !== '')
}
