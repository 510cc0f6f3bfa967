/**
 * The dashboard's operator CLI, for first setup and automation, sharing lib/keys.ts and
 * lib/retention.ts with the settings pages and the ingest path:
 *
 * ```
 * npm run dashboard -- env create production [--if-missing]
 * npm run dashboard -- env list
 * npm run dashboard -- key create --env production --kind ingest --label "api servers"
 * npm run dashboard -- key create --env demo --kind ingest --secret-file /run/dorm/ingest.key --if-missing
 * npm run dashboard -- key list [--env production]
 * npm run dashboard -- key revoke 3
 * npm run dashboard -- prune
 * ```
 *
 * It stores where the app does: `DASHBOARD_DATABASE_URL`, else the SQLite file under
 * `DASHBOARD_DATA_DIR` (default `apps/dashboard/.dashboard-data`, the app's own default when it runs
 * from apps/dashboard). `--secret-file <path>` writes a new key's secret to that file (mode 0600) instead
 * of printing it, for a setup script that hands the key to another process (docker-compose.yml);
 * with `--if-missing` it keeps the file when it already holds an active key of that environment and
 * kind. `env create --if-missing` accepts an existing environment. `--json` prints machine-readable output. Exit codes: 0 done, 1 refused
 * (unknown environment or key, bad name...), 2 bad usage.
 *
 * @example
 * ```ts
 * // $ npm run dashboard -- key create --env production --kind ci --json
 * // {"id":2,"environment":"production","kind":"ci","prefix":"dk_ci_Ab12Cd","secret":"dk_ci_…"}
 * ```
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DormError } from '@dorm/engine'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { closeDatabase } from '../lib/db'
import {
  createEnvironment,
  createKey,
  ensureEnvironment,
  isActiveKey,
  KEY_KINDS,
  type KeyKind,
  listEnvironments,
  listKeys,
  revokeKey,
} from '../lib/keys'
import { pruneExpired } from '../lib/retention'

/** Where the CLI writes. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

function when(date: Date | null): string {
  return date === null ? '-' : date.toISOString().replace('.000Z', 'Z')
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)))
  return `${rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`
}

function keyId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError(`'${raw}' is not a key id: give the number shown by key list.`)
  return Number(raw)
}

/** Writes `secret` to `path` (mode 0600) through a temporary file, so a reader never sees half of it. */
async function writeSecretFile(path: string, secret: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.${process.pid}.tmp`
  await writeFile(partial, `${secret}\n`, { mode: 0o600 })
  await rename(partial, path)
}

async function readSavedSecret(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

interface KeyCreateOptions {
  env: string
  kind: KeyKind
  label: string
  secretFile?: string
  ifMissing?: boolean
  json?: boolean
}

function buildProgram(io: CliIo, cwd: string): Command {
  const program = new Command('dashboard')
    .description("dorm dashboard operator CLI: environments, API keys and pruning of the dashboard's store")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()

  const env = program.command('env').description('environments (production, staging, ...)')
  env
    .command('create <name>')
    .description('create an environment')
    .option('--if-missing', 'succeed without change when the environment exists')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { ifMissing?: boolean; json?: boolean }) => {
      if (options.ifMissing) {
        const ensured = await ensureEnvironment(name)
        const verb = ensured.created ? 'Created' : 'Kept existing'
        io.stdout(
          options.json ? `${JSON.stringify(ensured)}\n` : `${verb} environment '${ensured.name}' (id ${ensured.id}).\n`,
        )
        return
      }
      const created = await createEnvironment(name)
      io.stdout(
        options.json ? `${JSON.stringify(created)}\n` : `Created environment '${created.name}' (id ${created.id}).\n`,
      )
    })
  env
    .command('list')
    .description('list the environments')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const environments = await listEnvironments()
      if (options.json) return io.stdout(`${JSON.stringify(environments)}\n`)
      if (environments.length === 0)
        return io.stdout('No environment yet: npm run dashboard -- env create production\n')
      io.stdout(
        table([['ID', 'NAME', 'CREATED'], ...environments.map((e) => [String(e.id), e.name, when(e.created_at)])]),
      )
    })

  const key = program.command('key').description('API keys (ingest keys for the exporter, ci keys for the Action)')
  key
    .command('create')
    .description('create a key and print its secret (shown this once)')
    .requiredOption('--env <name>', 'environment of the key')
    .addOption(
      new Option('--kind <kind>', 'ingest (telemetry exporter) or ci (deploy reports)')
        .choices(KEY_KINDS)
        .makeOptionMandatory(),
    )
    .option('--label <label>', 'what the key is for', '')
    .option('--secret-file <path>', 'write the secret to this file (mode 0600) instead of printing it')
    .option('--if-missing', 'with --secret-file: keep the file when it holds an active key of this env and kind')
    .option('--json', 'print JSON')
    .action(async (options: KeyCreateOptions) => {
      if (options.ifMissing && options.secretFile === undefined) {
        throw new InvalidArgumentError('--if-missing needs --secret-file <path>: the file it checks for a key.')
      }
      const secretFile = options.secretFile === undefined ? undefined : resolve(cwd, options.secretFile)
      if (secretFile !== undefined && options.ifMissing) {
        const saved = await readSavedSecret(secretFile)
        if (saved !== null && (await isActiveKey(saved, { environment: options.env, kind: options.kind }))) {
          io.stdout(
            options.json
              ? `${JSON.stringify({ kept: true, environment: options.env, kind: options.kind, secretFile })}\n`
              : `Kept the active ${options.kind} key for '${options.env}' in ${secretFile}.\n`,
          )
          return
        }
      }
      const created = await createKey({ environment: options.env, kind: options.kind, label: options.label })
      if (secretFile !== undefined) {
        await writeSecretFile(secretFile, created.secret)
        const { secret: _secret, ...shown } = created
        io.stdout(
          options.json
            ? `${JSON.stringify({ ...shown, environment: options.env, kind: options.kind, secretFile })}\n`
            : `Created ${options.kind} key ${created.id} (${created.prefix}…) for '${options.env}'; secret written to ${secretFile}.\n`,
        )
        return
      }
      if (options.json) {
        io.stdout(`${JSON.stringify({ ...created, environment: options.env, kind: options.kind })}\n`)
        return
      }
      io.stdout(
        `Created ${options.kind} key ${created.id} (${created.prefix}…) for '${options.env}'.\n` +
          `Secret (shown once; store it now, it cannot be shown again):\n${created.secret}\n`,
      )
    })
  key
    .command('list')
    .description('list keys (prefixes only, never secrets)')
    .option('--env <name>', 'only this environment')
    .option('--json', 'print JSON')
    .action(async (options: { env?: string; json?: boolean }) => {
      const keys = await listKeys(options.env)
      if (options.json) return io.stdout(`${JSON.stringify(keys)}\n`)
      if (keys.length === 0)
        return io.stdout('No key yet: npm run dashboard -- key create --env <name> --kind ingest\n')
      io.stdout(
        table([
          ['ID', 'ENV', 'KIND', 'PREFIX', 'LABEL', 'CREATED', 'LAST USED', 'REVOKED'],
          ...keys.map((k) => [
            String(k.id),
            k.environment,
            k.kind,
            `${k.prefix}…`,
            k.label || '-',
            when(k.created_at),
            when(k.last_used_at),
            when(k.revoked_at),
          ]),
        ]),
      )
    })
  key
    .command('revoke <id>')
    .description('revoke a key: requests with it get 401 from now on')
    .action(async (raw: string) => {
      const id = keyId(raw)
      await revokeKey(id)
      io.stdout(`Revoked key ${id}.\n`)
    })

  program
    .command('prune')
    .description('delete rows past their retention (raw 14 d, 1m rollups 14 d, 1h 90 d, 1d 13 months)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await pruneExpired()
      if (options.json) return io.stdout(`${JSON.stringify(report)}\n`)
      const total = Object.values(report.deleted).reduce((sum, n) => sum + n, 0)
      const detail = Object.entries(report.deleted)
        .filter(([, n]) => n > 0)
        .map(([kind, n]) => `${kind} ${n}`)
      io.stdout(`Pruned ${total} rows${detail.length ? ` (${detail.join(', ')})` : ''}.\n`)
    })
  return program
}

/**
 * Runs the CLI on `argv` (without node and the script) and resolves to the exit code. Relative file
 * paths (`--secret-file`) are resolved against `options.cwd` (default the process's directory).
 *
 * @example
 * ```ts
 * const code = await runDashboardCli(['env', 'create', 'staging'])
 * ```
 */
export async function runDashboardCli(
  argv: readonly string[],
  io: CliIo = processIo,
  options: { cwd?: string } = {},
): Promise<number> {
  const program = buildProgram(io, options.cwd ?? process.cwd())
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      io.stderr(`error: ${err.message}\n`)
      return 2
    }
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2
    if (err instanceof DormError) {
      io.stderr(`error: ${err.message}\n`)
      return 1
    }
    throw err
  } finally {
    await closeDatabase()
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href
if (invokedDirectly) {
  // `npm run dashboard` runs from the repository root: relative paths the user gave are theirs
  // (INIT_CWD), and the default data folder is the app's own, as when the app runs
  const userCwd = process.env.INIT_CWD ?? process.cwd()
  const dataDir = process.env.DASHBOARD_DATA_DIR
  if (dataDir && !isAbsolute(dataDir)) process.env.DASHBOARD_DATA_DIR = resolve(userCwd, dataDir)
  process.chdir(resolve(dirname(fileURLToPath(import.meta.url)), '..'))
  process.exitCode = await runDashboardCli(process.argv.slice(2), processIo, { cwd: userCwd })
}
