/**
 * What every `dorm doctor` check sees and returns: the resolved settings, the environment and the
 * model registry in, warnings (exit 1) and notes (informational) out, each with a stable code.
 */
import type { ResolvedDatabaseSettings } from '../conf/database-settings.js'
import { type DormSettings, databaseAliases, getDatabaseSettings, getSettings } from '../conf/settings.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { allModels } from '../models/registry.js'

/** A warning fails the gate (exit 1); a note is worth knowing but never fails it. */
export type DoctorLevel = 'warning' | 'note'

/**
 * One thing the doctor found.
 *
 * @example
 * ```ts
 * const finding: DoctorFinding = {
 *   level: 'warning', code: 'DORM-D001', alias: 'default',
 *   message: "DATABASES['default']: MAX_POOL_SIZE=2 is small for production; raise to 10–20 ...",
 * }
 * ```
 */
export interface DoctorFinding {
  level: DoctorLevel
  /** Stable code (`DORM-D001`...), safe to branch on or suppress by. */
  code: string
  message: string
  /** The DATABASES alias concerned, if any. */
  alias?: string
  /** The model or field concerned (`library.Book.author`), if any. */
  model?: string
}

/** Everything a check may read. Built from the live settings by {@link doctorContext}; tests build their own. */
export interface DoctorContext {
  readonly databases: ReadonlyMap<string, Readonly<ResolvedDatabaseSettings>>
  readonly settings: Readonly<DormSettings>
  readonly env: Readonly<Record<string, string | undefined>>
  readonly models: readonly ModelClassLike[]
  /**
   * Reads `max_connections` through an alias; absent when the doctor must not connect. Rejects
   * when the server cannot be reached in time.
   */
  readonly readMaxConnections?: (alias: string) => Promise<number>
}

/** A check: the findings for a context (async only when it talks to a database). */
export type DoctorCheck = (context: DoctorContext) => DoctorFinding[] | Promise<DoctorFinding[]>

/**
 * The context of the configured settings, the given environment and every registered model.
 *
 * @example
 * ```ts
 * const findings = checkPoolSettings(doctorContext(process.env))
 * ```
 */
export function doctorContext(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readMaxConnections?: (alias: string) => Promise<number>,
): DoctorContext {
  const databases = new Map(databaseAliases().map((alias) => [alias, getDatabaseSettings(alias)] as const))
  const context: DoctorContext = { databases, settings: getSettings(), env, models: allModels() }
  return readMaxConnections === undefined ? context : { ...context, readMaxConnections }
}

/**
 * A warning finding.
 *
 * @example
 * ```ts
 * warning('DORM-D001', "DATABASES['default']: MAX_POOL_SIZE=2 is small ...", { alias: 'default' })
 * ```
 */
export function warning(code: string, message: string, about: { alias?: string; model?: string } = {}): DoctorFinding {
  return { level: 'warning', code, message, ...about }
}

/**
 * A note finding.
 *
 * @example
 * ```ts
 * note('DORM-D004', "DATABASES['default']: POOL_CHECK=false ...", { alias: 'default' })
 * ```
 */
export function note(code: string, message: string, about: { alias?: string; model?: string } = {}): DoctorFinding {
  return { level: 'note', code, message, ...about }
}

/**
 * The PostgreSQL aliases, in configuration order.
 *
 * @example
 * ```ts
 * for (const [alias, db] of postgresAliases(context)) console.log(alias, db.MAX_POOL_SIZE)
 * ```
 */
export function postgresAliases(context: DoctorContext): [string, Readonly<ResolvedDatabaseSettings>][] {
  return [...context.databases].filter(([, db]) => db.ENGINE === 'postgresql')
}

/**
 * Whether a host is this machine: unset, localhost, a loopback address or a unix socket directory.
 *
 * @example
 * ```ts
 * isLocalHost('127.0.0.1') // true
 * isLocalHost('db.internal') // false
 * ```
 */
export function isLocalHost(host: string | undefined): boolean {
  if (host === undefined || host === '' || host.startsWith('/')) return true
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h)
}
