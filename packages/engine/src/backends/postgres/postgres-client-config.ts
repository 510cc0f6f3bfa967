import { readFileSync } from 'node:fs'
import type pg from 'pg'
import type { ResolvedDatabaseSettings } from '../../conf/database-settings.js'
import { ImproperlyConfigured } from '../../errors.js'

/** libpq-style OPTIONS keys dorm passes to node-postgres, and what each becomes. */
export const SUPPORTED_PG_OPTIONS = [
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'application_name',
  'connect_timeout',
  'options',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'query_timeout',
  'keepalives',
  'keepalives_idle',
  'pgbouncer',
] as const

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']

/**
 * Turns a resolved DATABASES entry into `pg.ClientConfig`. Unknown OPTIONS keys are an error that
 * lists the supported ones, so a typo never silently drops a setting such as sslmode.
 *
 * @example
 * ```ts
 * postgresClientConfig('default', resolveDatabaseSettings('default', 'postgres://u@db/app?sslmode=require'))
 * // { host: 'db', port: 5432, user: 'u', database: 'app', ssl: { rejectUnauthorized: false } }
 * ```
 */
export function postgresClientConfig(alias: string, settings: ResolvedDatabaseSettings): pg.ClientConfig {
  const config: pg.ClientConfig = {}
  if (settings.HOST) config.host = settings.HOST
  if (settings.PORT !== undefined) config.port = settings.PORT
  if (settings.USER) config.user = settings.USER
  if (settings.PASSWORD !== undefined) config.password = settings.PASSWORD
  if (settings.NAME) config.database = settings.NAME
  const options = settings.OPTIONS ?? {}
  for (const [key, value] of Object.entries(options)) {
    if (!(SUPPORTED_PG_OPTIONS as readonly string[]).includes(key)) {
      throw new ImproperlyConfigured(
        `DATABASES['${alias}'].OPTIONS.${key} is not a PostgreSQL option dorm knows. ` +
          `Supported: ${SUPPORTED_PG_OPTIONS.join(', ')}. Remove it or fix its spelling.`,
      )
    }
    applyOption(alias, config, key, value)
  }
  return config
}

function applyOption(alias: string, config: pg.ClientConfig, key: string, value: unknown): void {
  const text = String(value)
  switch (key) {
    case 'sslmode':
      if (!SSL_MODES.includes(text)) {
        throw new ImproperlyConfigured(
          `DATABASES['${alias}'].OPTIONS.sslmode is '${text}'. Use one of: ${SSL_MODES.join(', ')}.`,
        )
      }
      if (text === 'disable' || text === 'allow' || text === 'prefer') config.ssl = false
      else
        config.ssl = { ...(typeof config.ssl === 'object' ? config.ssl : {}), rejectUnauthorized: text !== 'require' }
      return
    case 'sslrootcert':
    case 'sslcert':
    case 'sslkey': {
      const field = { sslrootcert: 'ca', sslcert: 'cert', sslkey: 'key' }[key]
      // paths are read by tls from the file, as libpq does
      config.ssl = { ...(typeof config.ssl === 'object' ? config.ssl : {}), [field]: readFileSync(text, 'utf8') }
      return
    }
    case 'application_name':
      config.application_name = text
      return
    case 'connect_timeout':
      config.connectionTimeoutMillis = positiveNumber(alias, key, value) * 1000
      return
    case 'options':
      config.options = text
      return
    case 'statement_timeout':
    case 'lock_timeout':
    case 'idle_in_transaction_session_timeout':
    case 'query_timeout':
      ;(config as Record<string, unknown>)[key] = positiveNumber(alias, key, value)
      return
    case 'keepalives':
      config.keepAlive = text !== '0' && text !== 'false'
      return
    case 'keepalives_idle':
      config.keepAliveInitialDelayMillis = positiveNumber(alias, key, value) * 1000
      return
    case 'pgbouncer':
      // read by the migrate command's pooler detection; nothing for the driver
      return
  }
}

function positiveNumber(alias: string, key: string, value: unknown): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) {
    throw new ImproperlyConfigured(
      `DATABASES['${alias}'].OPTIONS.${key} must be a non-negative number, got ${JSON.stringify(value)}.`,
    )
  }
  return n
}
