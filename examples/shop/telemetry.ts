/**
 * The telemetry exporter (docs/observability.md "Telemetry exporter") from the environment:
 * `DORM_TELEMETRY_ENDPOINT` (the dashboard's base URL), `DORM_TELEMETRY_TOKEN` or
 * `DORM_TELEMETRY_TOKEN_FILE` (the ingest key, trimmed), `DORM_ENVIRONMENT` (default `demo`),
 * `DORM_SERVICE` (default `shop`), `DORM_TELEMETRY_INTERVAL_S` (default 10). No endpoint: no
 * exporter, and the app runs the same.
 *
 * @example
 * ```ts
 * const telemetry = startShopTelemetry(process.env)
 * process.on('SIGTERM', async () => { await telemetry?.stop() })
 * ```
 */
import { readFileSync } from 'node:fs'
import { ImproperlyConfigured } from '@dorm/engine'
import { startTelemetry, type TelemetryHandle } from '@dorm/engine/contrib/telemetry'
import type { ShopEnv } from './settings.js'

/**
 * The ingest key: `DORM_TELEMETRY_TOKEN`, else the trimmed content of `DORM_TELEMETRY_TOKEN_FILE`.
 *
 * @example
 * ```ts
 * telemetryToken({ DORM_TELEMETRY_TOKEN_FILE: '/run/secrets/ingest-key' }) // 'dk_ingest_...'
 * ```
 */
export function telemetryToken(env: ShopEnv): string {
  const direct = env.DORM_TELEMETRY_TOKEN?.trim()
  if (direct) return direct
  const file = env.DORM_TELEMETRY_TOKEN_FILE?.trim()
  if (!file) {
    throw new ImproperlyConfigured(
      'DORM_TELEMETRY_ENDPOINT is set but no ingest key: set DORM_TELEMETRY_TOKEN or DORM_TELEMETRY_TOKEN_FILE ' +
        '(create a key with `npm run dashboard -- keys create`), or unset DORM_TELEMETRY_ENDPOINT.',
    )
  }
  let token: string
  try {
    token = readFileSync(file, 'utf8').trim()
  } catch (err) {
    throw new ImproperlyConfigured(
      `DORM_TELEMETRY_TOKEN_FILE=${file} cannot be read (${(err as Error).message}); point it at the file holding the ingest key.`,
    )
  }
  if (!token)
    throw new ImproperlyConfigured(`DORM_TELEMETRY_TOKEN_FILE=${file} is empty; write the ingest key into it.`)
  return token
}

/**
 * Starts the exporter when `DORM_TELEMETRY_ENDPOINT` is set; undefined otherwise.
 *
 * @example
 * ```ts
 * startShopTelemetry({ DORM_TELEMETRY_ENDPOINT: 'http://127.0.0.1:3000', DORM_TELEMETRY_TOKEN: 'dk_ingest_x' })
 * ```
 */
export function startShopTelemetry(env: ShopEnv = process.env): TelemetryHandle | undefined {
  const endpoint = env.DORM_TELEMETRY_ENDPOINT?.trim()
  if (!endpoint) return undefined
  const rawInterval = env.DORM_TELEMETRY_INTERVAL_S?.trim()
  const intervalS = rawInterval ? Number(rawInterval) : 10
  if (!Number.isFinite(intervalS) || intervalS <= 0) {
    throw new ImproperlyConfigured(
      `DORM_TELEMETRY_INTERVAL_S=${JSON.stringify(rawInterval)} is not a positive number of seconds; set e.g. 10.`,
    )
  }
  return startTelemetry({
    endpoint,
    token: telemetryToken(env),
    service: env.DORM_SERVICE?.trim() || 'shop',
    environment: env.DORM_ENVIRONMENT?.trim() || 'demo',
    intervalS,
  })
}
