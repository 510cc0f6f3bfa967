/**
 * A real app using the telemetry exporter, for the e2e run: a node:http server on dorm with a
 * PostgreSQL pool of 2 behind `telemetryMiddlewares`, hit by 20 concurrent requests that each run
 * one slow statement (`SELECT pg_sleep($1)`, 1 s). The pool saturates for about ten seconds (2 in
 * use, up to 18 waiting); the exporter reports every half second, so the dashboard's pool page gets
 * a sustained saturation episode, per-route waits and the slow template with its p95. Then the
 * exporter is stopped (flushing) and the process exits, printing the exporter's stats as JSON.
 *
 * Environment: E2E_DASHBOARD_URL, E2E_INGEST_KEY, E2E_PG_URL, E2E_EXAMPLE_SERVICE.
 *
 * @example
 * ```sh
 * E2E_DASHBOARD_URL=http://127.0.0.1:3000 E2E_INGEST_KEY=dk_ingest_... E2E_PG_URL=postgres://... \
 *   node --import tsx e2e/support/example-app.ts
 * ```
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { closeAll, configure, getConnection } from '@dorm/engine'
import { startTelemetry, telemetryMiddlewares } from '@dorm/engine/contrib/telemetry'

const CONCURRENT_REQUESTS = 20
const SLEEP_S = 1

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set (see the header of e2e/support/example-app.ts)`)
  return value
}

configure({
  DATABASES: { default: { URL: required('E2E_PG_URL'), MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 2, POOL_TIMEOUT: 60 } },
  SLOW_QUERY_MS: 500,
})
const telemetry = startTelemetry({
  endpoint: required('E2E_DASHBOARD_URL'),
  token: required('E2E_INGEST_KEY'),
  service: process.env.E2E_EXAMPLE_SERVICE ?? 'example-app',
  environment: 'production',
  intervalS: 0.5,
  sampleRate: 1,
  validate: 'all',
})
const requests = telemetryMiddlewares({ routeTemplate: ({ path }) => path.replace(/\/\d+(?=\/|$)/g, '/:id') })
const server = createServer(
  requests.wrapNodeHandler(async (_req, res) => {
    const { rows } = await getConnection().execute('SELECT pg_sleep($1) AS slept', [SLEEP_S])
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows))
  }),
)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

try {
  // a calm start: health and pool reports before the storm
  await getConnection().execute('SELECT 1')
  await sleep(1200)
  const statuses = await Promise.all(
    Array.from({ length: CONCURRENT_REQUESTS }, (_, i) => fetch(`${url}/reports/${i + 1}`).then((r) => r.status)),
  )
  if (statuses.some((status) => status !== 200)) throw new Error(`requests failed: ${statuses.join(', ')}`)
  await sleep(1200)
} finally {
  await telemetry.stop()
  server.close()
  await closeAll()
}
process.stdout.write(`${JSON.stringify(telemetry.stats())}\n`)
