/**
 * `dorm doctor`'s engine: runs every check over the configured settings and models and returns
 * the warnings (a deploy gate fails on any) and notes, each with a stable code:
 *
 * | code | level | what |
 * |---|---|---|
 * | DORM-D001 | warning | PostgreSQL MAX_POOL_SIZE < 4 |
 * | DORM-D002 | warning | MIN_POOL_SIZE > MAX_POOL_SIZE |
 * | DORM-D003 | warning | POOL_TIMEOUT > 60 s |
 * | DORM-D004 | note | POOL_CHECK off |
 * | DORM-D005 | warning | no sslmode for a non-local PostgreSQL host |
 * | DORM-D006 | warning | sslmode allow/prefer for a non-local host (no TLS with node-postgres) |
 * | DORM-D007 | warning | ForeignKey without an index |
 * | DORM-D008 | note | RETRY_ATTEMPTS resolves to 1 |
 * | DORM-D009 | note | READ_AFTER_WRITE_WINDOW 0 / null |
 * | DORM-D010..D014 | warning | STORAGES: no default, no BACKEND, hard-coded S3 keys, http endpoint, no bucket |
 * | DORM-D015 | note | filesystem storage without location |
 * | DORM-D016 | warning | MAX_POOL_SIZE × WEB_CONCURRENCY above half the server's max_connections |
 * | DORM-D017 | note | max_connections could not be read |
 * | DORM-D018 | warning | PREPARE_THRESHOLD not null behind a pooler |
 * | DORM-D019 | warning | migrations through a pooler (MIGRATION_DATABASE_URL or the default alias) |
 * | DORM-D020 | warning | a filesystem storage `location` that is missing, not a directory or not writable |
 * | DORM-D021 | note | a FileField in use while STORAGES is empty (files go to ./media) |
 */
import { getConnection } from '../db/connection-registry.js'
import { OperationalError } from '../errors.js'
import { type DoctorCheck, type DoctorFinding, doctorContext } from './doctor-check.js'
import { checkForeignKeyIndexes } from './foreign-key-index-check.js'
import { checkMaxConnections } from './max-connections-check.js'
import { checkMigrationUrl } from './migration-url-check.js'
import { checkPoolSettings } from './pool-settings-check.js'
import { checkPrepareThreshold } from './prepare-threshold-check.js'
import { checkReadAfterWrite } from './read-after-write-check.js'
import { checkRetry } from './retry-check.js'
import { checkSslMode } from './ssl-mode-check.js'
import { checkStorages } from './storages-check.js'

/** A finding as reported (its level is the list it is in). */
export type DoctorIssue = Omit<DoctorFinding, 'level'>

/** What {@link runDoctor} returns; also the `--json` output of `dorm doctor`. */
export interface DoctorReport {
  warnings: DoctorIssue[]
  notes: DoctorIssue[]
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** Environment read for WEB_CONCURRENCY and MIGRATION_DATABASE_URL. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /** false: never connect (max_connections is then not checked). Default true. */
  connect?: boolean
  /** How long to wait for a server's max_connections. Default 5000 ms. */
  timeoutMs?: number
}

/** Every check, in the order their findings are listed. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  checkPoolSettings,
  checkSslMode,
  checkMaxConnections,
  checkPrepareThreshold,
  checkMigrationUrl,
  checkForeignKeyIndexes,
  checkRetry,
  checkReadAfterWrite,
  checkStorages,
]

/**
 * Runs every check. Connecting (to read max_connections) opens the alias's pool if it was not
 * open yet and leaves it open for the caller; the CLI closes every pool when a command ends.
 *
 * @example
 * ```ts
 * const report = await runDoctor({ env: process.env })
 * if (report.warnings.length > 0) process.exitCode = 1
 * ```
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? 5000
  const read = options.connect === false ? undefined : (alias: string) => readMaxConnections(alias, timeoutMs)
  const context = doctorContext(options.env ?? process.env, read)
  const report: DoctorReport = { warnings: [], notes: [] }
  for (const check of DOCTOR_CHECKS) {
    for (const { level, ...issue } of await check(context)) {
      ;(level === 'warning' ? report.warnings : report.notes).push(issue)
    }
  }
  return report
}

/**
 * The server's max_connections through `alias`, one attempt, rejecting after `timeoutMs`.
 *
 * @example
 * ```ts
 * await readMaxConnections('default', 5000) // 100
 * ```
 */
export async function readMaxConnections(alias: string, timeoutMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined
  const probe = getConnection(alias).executeOnce<{ max_connections: number }>(
    "SELECT current_setting('max_connections')::int AS max_connections",
  )
  // a probe that loses the race settles later; keep its rejection from going unhandled
  probe.catch(() => undefined)
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OperationalError(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    const { rows } = await Promise.race([probe, timeout])
    return Number(rows[0]?.max_connections)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The report as text, exactly as the Python original prints it.
 *
 * @example
 * ```ts
 * formatDoctorReport({ warnings: [], notes: [] })
 * // 'dorm doctor — 0 warning(s), 0 note(s)\n\neverything looks reasonable — go ship.\n'
 * ```
 */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`dorm doctor — ${report.warnings.length} warning(s), ${report.notes.length} note(s)`, '']
  if (report.warnings.length > 0) lines.push('warnings:', ...report.warnings.map((w) => `  ! ${w.message}`), '')
  if (report.notes.length > 0) lines.push('notes:', ...report.notes.map((n) => `  · ${n.message}`), '')
  if (report.warnings.length === 0 && report.notes.length === 0) lines.push('everything looks reasonable — go ship.')
  return `${lines.join('\n')}\n`
}
