/**
 * Creates the fuzz run's environments and keys in a dashboard store with the dashboard's own
 * lib/keys.ts (the code of its settings page and operator CLI), revokes two of them, and prints
 * them as one JSON line. Run through tsx with cwd apps/dashboard and the server's store variables
 * (DASHBOARD_DATA_DIR or DASHBOARD_DATABASE_URL), before the server starts (it also applies the
 * migrations). `FUZZ_KEY_LABELS` (a JSON array) adds an ingest key of `fuzz` per label.
 *
 * @example
 * ```sh
 * cd apps/dashboard && DASHBOARD_DATA_DIR=/tmp/fuzz node --import tsx ../../test/reliability/ingest-fuzz/support/seed-fuzz-keys.ts
 * # {"fuzz":{"ingest":"dk_ingest_…","ci":"dk_ci_…"},"other":{…},"revoked":{…}}
 * ```
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

interface KeysModule {
  createEnvironment(name: string): Promise<unknown>
  createKey(input: {
    environment: string
    kind: 'ingest' | 'ci'
    label?: string
  }): Promise<{ id: number; secret: string }>
  revokeKey(id: number): Promise<void>
}
interface DbModule {
  closeDatabase(): Promise<void>
}

// loaded at run time (tsx resolves the app's extensionless imports; this workspace's type-check does not follow them)
const lib = (name: string) => pathToFileURL(join(process.cwd(), 'lib', `${name}.ts`)).href
const keys = (await import(lib('keys'))) as KeysModule
const db = (await import(lib('db'))) as DbModule

const out: Record<string, { ingest: string; ci: string }> = {}
for (const environment of ['fuzz', 'other']) {
  await keys.createEnvironment(environment)
  const ingest = await keys.createKey({ environment, kind: 'ingest', label: `${environment} exporter` })
  const ci = await keys.createKey({ environment, kind: 'ci', label: `${environment} action` })
  out[environment] = { ingest: ingest.secret, ci: ci.secret }
}
const revokedIngest = await keys.createKey({ environment: 'fuzz', kind: 'ingest', label: 'revoked exporter' })
const revokedCi = await keys.createKey({ environment: 'fuzz', kind: 'ci', label: 'revoked action' })
await keys.revokeKey(revokedIngest.id)
await keys.revokeKey(revokedCi.id)
out.revoked = { ingest: revokedIngest.secret, ci: revokedCi.secret }
// extra keys whose labels the XSS scenario chooses (the settings page lists them)
for (const label of JSON.parse(process.env.FUZZ_KEY_LABELS ?? '[]') as string[]) {
  await keys.createKey({ environment: 'fuzz', kind: 'ingest', label })
}
await db.closeDatabase()
process.stdout.write(`${JSON.stringify(out)}\n`)
