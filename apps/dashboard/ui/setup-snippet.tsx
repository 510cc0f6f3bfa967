/**
 * The empty state of data pages: no telemetry yet, and how to start sending it (an ingest key
 * from Settings, then `startTelemetry` in the app).
 *
 * @example
 * ```tsx
 * if (fleet.length === 0) return <SetupSnippet environment="production" />
 * ```
 */

import { headers } from 'next/headers'
import Link from 'next/link'

/** Props of {@link SetupSnippet}. */
export interface SetupSnippetProps {
  environment?: string
  /** What is missing, e.g. 'No pool reports in this range.' */
  message?: string
}

async function dashboardOrigin(): Promise<string> {
  const h = await headers()
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'dashboard.example.com'
  const proto =
    h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https')
  return `${proto}://${host}`
}

/** The empty state (see the module doc). */
export async function SetupSnippet({ environment, message }: SetupSnippetProps) {
  const origin = await dashboardOrigin()
  const snippet = `import { startTelemetry } from '@dorm/engine/contrib/telemetry'

const telemetry = startTelemetry({
  endpoint: '${origin}',
  token: process.env.DORM_TELEMETRY_TOKEN, // an ingest key of ${environment ?? 'the environment'}
  service: 'api',
})
process.on('SIGTERM', () => telemetry.stop()) // flushes what is queued`
  return (
    <section className="empty" data-testid="empty-state">
      <h2>{message ?? 'No telemetry yet'}</h2>
      <p>
        Create an ingest key for {environment ? <strong>{environment}</strong> : 'an environment'} in{' '}
        <Link href="/settings">Settings</Link> (or{' '}
        <code>npm run dashboard -- key create --env production --kind ingest</code>), then start the exporter in your
        app:
      </p>
      <pre>
        <code>{snippet}</code>
      </pre>
    </section>
  )
}
