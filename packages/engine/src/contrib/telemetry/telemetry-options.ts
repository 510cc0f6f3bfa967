/**
 * The options of `startTelemetry` and their checks. A wrong option is an `ImproperlyConfigured`
 * thrown by `startTelemetry` itself (at start-up, never later) that names the option, what was
 * given and what to pass instead.
 *
 * `endpoint` is the dashboard's base URL (`https://dashboard.example.com`, the ingest path
 * `/api/v1/ingest` is appended) or the full ingest URL.
 *
 * @example
 * ```ts
 * const resolved = resolveTelemetryOptions({ endpoint: 'https://dash.example.com', token, service: 'api' })
 * resolved.url // 'https://dash.example.com/api/v1/ingest'
 * ```
 */
import { ImproperlyConfigured } from '../../errors.js'
import type { TelemetryFetch } from './telemetry-transport.js'

/** Options of `startTelemetry`. */
export interface TelemetryOptions {
  /** The dashboard's base URL, or its full ingest URL (`.../api/v1/ingest`). */
  endpoint: string
  /** An ingest key of the environment (`dk_ingest_...`). */
  token: string
  /** This app's name on the dashboard. */
  service: string
  /** Seconds between two collections and sends. Default 10. */
  intervalS?: number
  /** When given, the dashboard checks it is the key's environment (403 otherwise). */
  environment?: string
  /** Share of ordinary requests summarised (0..1). Slow, N+1 and over-budget ones are always kept. Default 0.01. */
  sampleRate?: number
  /** Most items held while the dashboard is slow or down; the oldest are dropped beyond. Default 10,000. */
  maxQueueItems?: number
  /** A request at least this long is always summarised. Default 1000. */
  slowRequestMs?: number
  /** The fetch to send with (default the global one). */
  fetch?: TelemetryFetch
  /** How long one POST may take. Default 10,000 ms. */
  timeoutMs?: number
  /** How long `stop()` keeps trying to deliver what is left. Default 5,000 ms. */
  stopTimeoutMs?: number
  /**
   * Check outgoing items against the payload schema: `'all'`, `'sample'` (the first item of each
   * kind, then one in a hundred) or `'off'`. Default `'off'` when NODE_ENV is production, else `'sample'`.
   */
  validate?: 'all' | 'sample' | 'off'
}

/** The options with defaults applied and the ingest URL worked out. */
export interface ResolvedTelemetryOptions {
  url: string
  token: string
  service: string
  intervalMs: number
  environment: string | undefined
  sampleRate: number
  maxQueueItems: number
  slowRequestMs: number
  fetch: TelemetryFetch
  timeoutMs: number
  stopTimeoutMs: number
  validate: 'all' | 'sample' | 'off'
}

const INGEST_PATH = '/api/v1/ingest'

function fail(option: string, given: unknown, expected: string): never {
  let shown: string
  try {
    shown = typeof given === 'string' ? `'${given}'` : String(JSON.stringify(given))
  } catch {
    shown = String(given)
  }
  throw new ImproperlyConfigured(`startTelemetry: ${option} must be ${expected}; got ${shown}.`)
}

function ingestUrl(endpoint: unknown): string {
  const expected = "the dashboard's http(s) URL, e.g. 'https://dashboard.example.com'"
  if (typeof endpoint !== 'string' || endpoint.trim() === '') fail('endpoint', endpoint, expected)
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return fail('endpoint', endpoint, expected)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('endpoint', endpoint, expected)
  const path = url.pathname.replace(/\/+$/, '')
  if (!path.endsWith(INGEST_PATH)) url.pathname = `${path}${INGEST_PATH}`
  return url.toString()
}

function number(option: string, value: unknown, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(option, value, what)
  return value
}

function text(option: string, value: unknown, max: number, what: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) fail(option, value, what)
  return value
}

/**
 * Checks the options and applies the defaults; throws ImproperlyConfigured on a bad one.
 *
 * @example
 * ```ts
 * resolveTelemetryOptions({ endpoint: 'http://localhost:3000', token: 'dk_ingest_x', service: 'api', intervalS: 5 })
 * ```
 */
export function resolveTelemetryOptions(options: TelemetryOptions): ResolvedTelemetryOptions {
  if (typeof options !== 'object' || options === null) {
    fail('its options', options, 'an object { endpoint, token, service }')
  }
  const url = ingestUrl(options.endpoint)
  const token = text('token', options.token, 1000, 'an ingest key of the dashboard (dk_ingest_...)')
  const service = text('service', options.service, 200, "this app's name, 1 to 200 characters, e.g. 'api'")
  const environment =
    options.environment === undefined
      ? undefined
      : text('environment', options.environment, 200, "the key's environment name, e.g. 'production'")
  const intervalS = number('intervalS', options.intervalS, 10, 0.05, 3600, 'a number of seconds from 0.05 to 3600')
  const sampleRate = number('sampleRate', options.sampleRate, 0.01, 0, 1, 'a share from 0 to 1, e.g. 0.01')
  const maxQueueItems = number('maxQueueItems', options.maxQueueItems, 10_000, 2, 10_000_000, 'an integer >= 2')
  if (!Number.isInteger(maxQueueItems)) fail('maxQueueItems', maxQueueItems, 'an integer >= 2')
  const slowRequestMs = number('slowRequestMs', options.slowRequestMs, 1000, 0, 3_600_000, 'milliseconds >= 0')
  const timeoutMs = number('timeoutMs', options.timeoutMs, 10_000, 1, 600_000, 'milliseconds from 1 to 600000')
  const stopTimeoutMs = number('stopTimeoutMs', options.stopTimeoutMs, 5000, 0, 600_000, 'milliseconds >= 0')
  const fetchImpl = options.fetch ?? (globalThis.fetch as TelemetryFetch | undefined)
  if (typeof fetchImpl !== 'function') fail('fetch', options.fetch, 'a fetch function (Node >= 20 has a global one)')
  const validate = options.validate ?? (process.env.NODE_ENV === 'production' ? 'off' : 'sample')
  if (validate !== 'all' && validate !== 'sample' && validate !== 'off') {
    fail('validate', validate, "'all', 'sample' or 'off'")
  }
  return {
    url,
    token,
    service,
    intervalMs: intervalS * 1000,
    environment,
    sampleRate,
    maxQueueItems,
    slowRequestMs,
    fetch: fetchImpl,
    timeoutMs,
    stopTimeoutMs,
    validate,
  }
}
