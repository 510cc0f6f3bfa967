/**
 * Prepares the dashboard's store for the demo with the dashboard's own lib/keys.ts (the code of its
 * settings page and operator CLI): applies its migrations, creates the environment when missing,
 * and reuses the keys stored in the demo dir when they still authenticate (same environment, not
 * revoked), creating new ones otherwise. Writes the keys back (mode 0600) and prints one JSON line:
 * `{"environment":"created","ingest":"reused","ci":"created"}`.
 *
 * Run through tsx with cwd apps/dashboard, before the dashboard server starts. Environment:
 * DASHBOARD_DATA_DIR (the store), DORM_DEMO_ENVIRONMENT, DORM_DEMO_KEYS_FILE, DORM_DEMO_INGEST_KEY_FILE.
 *
 * @example
 * ```sh
 * cd apps/dashboard && DASHBOARD_DATA_DIR=/tmp/demo/dashboard DORM_DEMO_ENVIRONMENT=demo \
 *   DORM_DEMO_KEYS_FILE=/tmp/demo/keys.json DORM_DEMO_INGEST_KEY_FILE=/tmp/demo/ingest-key \
 *   node --import tsx ../../scripts/demo/provision-keys.ts
 * ```
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { closeDatabase } from '../../apps/dashboard/lib/db'
import {
  authenticateKey,
  createEnvironment,
  createKey,
  type KeyKind,
  listEnvironments,
} from '../../apps/dashboard/lib/keys'

function required(name: string): string {
  const value = process.env[name]?.trim()
  if (!value) throw new Error(`${name} is not set (see the header of scripts/demo/provision-keys.ts)`)
  return value
}

const environment = required('DORM_DEMO_ENVIRONMENT')
const keysFile = required('DORM_DEMO_KEYS_FILE')
const ingestKeyFile = required('DORM_DEMO_INGEST_KEY_FILE')

function storedKeys(): Partial<Record<KeyKind, string>> {
  if (!existsSync(keysFile)) return {}
  try {
    const parsed = JSON.parse(readFileSync(keysFile, 'utf8')) as Record<string, unknown>
    return parsed.environment === environment ? (parsed as Partial<Record<KeyKind, string>>) : {}
  } catch {
    return {}
  }
}

async function keyFor(kind: KeyKind, stored: string | undefined): Promise<{ secret: string; how: string }> {
  if (stored !== undefined) {
    const check = await authenticateKey(`Bearer ${stored}`, kind)
    if (check.ok && check.environment === environment) return { secret: stored, how: 'reused' }
  }
  const label = kind === 'ingest' ? 'npm start: the shop exporter' : 'npm start: the local Action run'
  const created = await createKey({ environment, kind, label })
  return { secret: created.secret, how: 'created' }
}

try {
  const exists = (await listEnvironments()).some((env) => env.name === environment)
  if (!exists) await createEnvironment(environment)
  const stored = storedKeys()
  const ingest = await keyFor('ingest', stored.ingest)
  const ci = await keyFor('ci', stored.ci)
  writeFileSync(keysFile, `${JSON.stringify({ environment, ingest: ingest.secret, ci: ci.secret }, null, 2)}\n`, {
    mode: 0o600,
  })
  writeFileSync(ingestKeyFile, `${ingest.secret}\n`, { mode: 0o600 })
  process.stdout.write(
    `${JSON.stringify({ environment: exists ? 'existing' : 'created', ingest: ingest.how, ci: ci.how })}\n`,
  )
} finally {
  await closeDatabase()
}
