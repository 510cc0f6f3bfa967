/**
 * Creates the e2e environments and keys in the dashboard's store with the dashboard's own
 * lib/keys.ts (the code its settings page and operator CLI use), and prints them as one JSON line.
 * Run through tsx with cwd apps/dashboard and the server's DASHBOARD_DATA_DIR, before the server
 * starts (it also applies the migrations).
 *
 * @example
 * ```sh
 * cd apps/dashboard && DASHBOARD_DATA_DIR=/tmp/e2e node --import tsx ../../e2e/support/seed-keys.ts
 * # {"production":{"ingest":"dk_ingest_...","ci":"dk_ci_..."},"staging":{...}}
 * ```
 */
import { closeDatabase } from '../../apps/dashboard/lib/db'
import { createEnvironment, createKey } from '../../apps/dashboard/lib/keys'
import { E2E_ENVIRONMENTS, type SeededKeys } from './run-state.js'

const keys: SeededKeys = {}
for (const environment of E2E_ENVIRONMENTS) {
  await createEnvironment(environment)
  const ingest = await createKey({ environment, kind: 'ingest', label: 'e2e exporter' })
  const ci = await createKey({ environment, kind: 'ci', label: 'e2e action' })
  keys[environment] = { ingest: ingest.secret, ci: ci.secret }
}
await closeDatabase()
process.stdout.write(`${JSON.stringify(keys)}\n`)
