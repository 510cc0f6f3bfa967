/**
 * The template and fingerprint the exporter labels a statement with: `queryTemplate` of
 * contrib/querylog (placeholders become `?`, IN-lists and multi-row VALUES collapse), its
 * `templateFingerprint` computed on the whole template, and the text cut to MAX_TEMPLATE_LENGTH
 * with `…` for the payload. Results are cached by SQL (bounded), so a hot statement costs one map
 * lookup rather than a regex pass and a SHA-1.
 *
 * @example
 * ```ts
 * const { template, fingerprint } = telemetryTemplateOf('SELECT * FROM "a" WHERE "id" = $1')
 * // template 'SELECT * FROM "a" WHERE "id" = ?', fingerprint 16 hex digits
 * ```
 */
import { queryTemplate, templateFingerprint } from '../querylog/query-template.js'
import { MAX_TEMPLATE_LENGTH } from './telemetry-schema.js'

/** A statement's template (possibly cut) and the fingerprint of the whole template. */
export interface TelemetryTemplate {
  readonly template: string
  readonly fingerprint: string
}

const cache = new Map<string, TelemetryTemplate>()
const CACHE_LIMIT = 2000

/**
 * The template (cut to MAX_TEMPLATE_LENGTH characters plus `…`) and fingerprint of a statement.
 *
 * @example
 * ```ts
 * telemetryTemplateOf('SELECT 1').fingerprint === templateFingerprint('SELECT 1') // true
 * ```
 */
export function telemetryTemplateOf(sql: string): TelemetryTemplate {
  const cached = cache.get(sql)
  if (cached !== undefined) return cached
  const full = queryTemplate(sql)
  const template = full.length > MAX_TEMPLATE_LENGTH ? `${full.slice(0, MAX_TEMPLATE_LENGTH)}…` : full
  const entry: TelemetryTemplate = {
    template: template.length > 0 ? template : '(empty statement)',
    fingerprint: templateFingerprint(full),
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(sql, entry)
  return entry
}
