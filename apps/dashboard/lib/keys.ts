/**
 * Environments and API keys. A key belongs to one environment: `ingest` keys for the telemetry
 * exporter, `ci` keys for the Action's deploy reports. The secret (`dk_<kind>_<32 base62>`) is
 * returned once by {@link createKey}; only its SHA-256 is stored, with a short `prefix` to tell
 * keys apart in lists. Used by the route handlers, the settings pages and the operator CLI.
 *
 * @example
 * ```ts
 * await createEnvironment('production')
 * const { secret } = await createKey({ environment: 'production', kind: 'ingest', label: 'api servers' })
 * const auth = await authenticateKey(`Bearer ${secret}`, 'ingest')
 * if (auth.ok) console.log(auth.environment) // 'production'
 * ```
 */
import { createHash, randomInt } from 'node:crypto'
import { DoesNotExist, DormError, ValidationError } from '@dorm/engine'
import { ensureDatabase } from './db'
import { ApiKey, Environment } from './models'

/** The two kinds of key. */
export type KeyKind = 'ingest' | 'ci'

/** The kinds, for validation and help texts. */
export const KEY_KINDS: readonly KeyKind[] = ['ingest', 'ci']

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SECRET_LENGTH = 32
/** Random characters of the secret kept in `prefix` after `dk_<kind>_`. */
const PREFIX_RANDOM_CHARS = 6
const SECRET_PATTERN = /^dk_(ingest|ci)_[0-9A-Za-z]{32}$/
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
/** `last_used_at` is written at most this often per key (not on every batch). */
const LAST_USED_RESOLUTION_MS = 60_000

/** Why a key was refused: 401 (no such key, revoked) or 403 (the wrong kind of key). */
export type KeyCheck =
  | { ok: true; environmentId: number; environment: string; keyId: number }
  | { ok: false; status: 401 | 403; error: string }

/** A key as listed (never the secret). */
export interface KeyListing {
  id: number
  environment: string
  kind: string
  label: string
  prefix: string
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
}

/**
 * The SHA-256 (hex) of a secret: what is stored and looked up.
 *
 * @example
 * ```ts
 * hashSecret('dk_ingest_…').length // 64
 * ```
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

function randomBase62(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)]
  return out
}

function checkEnvironmentName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : ''
  if (!ENVIRONMENT_NAME.test(trimmed)) {
    throw new ValidationError(
      `environment name ${JSON.stringify(name)} is not valid: use 1 to 64 letters, digits, '.', '_' or '-', ` +
        "starting with a letter or digit (e.g. 'production', 'staging-eu').",
      { name: ['invalid'] },
    )
  }
  return trimmed
}

async function environmentNamed(name: string): Promise<InstanceType<typeof Environment>> {
  const found = await Environment.objects.getOrNone({ name })
  if (found === null) {
    const known = (await Environment.objects.all().valuesList('name', { flat: true })) as string[]
    throw new DoesNotExist(
      `environment '${name}' does not exist. ${known.length ? `Known: ${known.join(', ')}.` : 'There is none yet.'} ` +
        `Create it first: npm run dashboard -- env create ${name}`,
    )
  }
  return found
}

/**
 * Creates an environment. A name already taken is a `DormError` with code `ENVIRONMENT_EXISTS`.
 *
 * @example
 * ```ts
 * const { id } = await createEnvironment('staging')
 * ```
 */
export async function createEnvironment(name: string): Promise<{ id: number; name: string }> {
  await ensureDatabase()
  const clean = checkEnvironmentName(name)
  const [environment, created] = await Environment.objects.getOrCreate({ name: clean }, { created_at: new Date() })
  if (!created) {
    throw new DormError(`environment '${clean}' already exists; pick another name or use it as it is.`, {
      code: 'ENVIRONMENT_EXISTS',
    })
  }
  return { id: Number(environment.id), name: environment.name }
}

/**
 * Creates an environment unless one of that name exists (first setup scripts run again and again).
 * `created` says which happened.
 *
 * @example
 * ```ts
 * const { created } = await ensureEnvironment('demo') // false on the second run
 * ```
 */
export async function ensureEnvironment(name: string): Promise<{ id: number; name: string; created: boolean }> {
  await ensureDatabase()
  const clean = checkEnvironmentName(name)
  const [environment, created] = await Environment.objects.getOrCreate({ name: clean }, { created_at: new Date() })
  return { id: Number(environment.id), name: environment.name, created }
}

/**
 * Every environment, by name.
 *
 * @example
 * ```ts
 * for (const env of await listEnvironments()) console.log(env.name, env.created_at)
 * ```
 */
export async function listEnvironments(): Promise<Array<{ id: number; name: string; created_at: Date }>> {
  await ensureDatabase()
  const rows = await Environment.objects.orderBy('name').values('id', 'name', 'created_at')
  return rows.map((row) => ({ id: Number(row.id), name: row.name, created_at: row.created_at }))
}

/**
 * Creates a key for an existing environment and returns its secret: shown this once, never stored.
 *
 * @example
 * ```ts
 * const key = await createKey({ environment: 'production', kind: 'ci', label: 'deploy workflow' })
 * console.log(key.secret) // dk_ci_…
 * ```
 */
export async function createKey(input: {
  environment: string
  kind: KeyKind
  label?: string
}): Promise<{ id: number; prefix: string; secret: string }> {
  await ensureDatabase()
  if (!KEY_KINDS.includes(input.kind)) {
    throw new ValidationError(
      `key kind ${JSON.stringify(input.kind)} is not valid: use 'ingest' (the telemetry exporter) or 'ci' (the Action's deploy reports).`,
      { kind: ['invalid'] },
    )
  }
  const label = (input.label ?? '').trim()
  if (label.length > 100) {
    throw new ValidationError(`key label is ${label.length} characters long; keep it to 100 or fewer.`, {
      label: ['too long'],
    })
  }
  const environment = await environmentNamed(checkEnvironmentName(input.environment))
  const secret = `dk_${input.kind}_${randomBase62(SECRET_LENGTH)}`
  const prefix = secret.slice(0, `dk_${input.kind}_`.length + PREFIX_RANDOM_CHARS)
  const key = await ApiKey.objects.create({
    environment,
    kind: input.kind,
    label,
    prefix,
    secret_hash: hashSecret(secret),
    created_at: new Date(),
  })
  return { id: Number(key.id), prefix, secret }
}

/**
 * Whether `secret` is a key of `kind` for `environment` that is not revoked: a setup script that
 * kept a secret from an earlier run checks it before creating another one. Never throws for a
 * malformed secret (it is simply not active).
 *
 * @example
 * ```ts
 * if (!(await isActiveKey(saved, { environment: 'demo', kind: 'ingest' }))) await createKey({ environment: 'demo', kind: 'ingest' })
 * ```
 */
export async function isActiveKey(secret: string, input: { environment: string; kind: KeyKind }): Promise<boolean> {
  await ensureDatabase()
  const clean = typeof secret === 'string' ? secret.trim() : ''
  if (!SECRET_PATTERN.test(clean)) return false
  return ApiKey.objects
    .filter({
      secret_hash: hashSecret(clean),
      kind: input.kind,
      environment__name: input.environment,
      revoked_at__isnull: true,
    })
    .exists()
}

/**
 * The keys (of one environment when given), newest first; revoked keys are listed too.
 *
 * @example
 * ```ts
 * const active = (await listKeys('production')).filter((key) => key.revoked_at === null)
 * ```
 */
export async function listKeys(environment?: string): Promise<KeyListing[]> {
  await ensureDatabase()
  let keys = ApiKey.objects.all()
  if (environment !== undefined) keys = keys.filter({ environment: await environmentNamed(environment) })
  const rows = await keys
    .orderBy('-created_at', '-id')
    .values('id', 'environment__name', 'kind', 'label', 'prefix', 'created_at', 'last_used_at', 'revoked_at')
  return rows.map((row) => ({
    id: Number(row.id),
    environment: String(row.environment__name),
    kind: row.kind,
    label: row.label,
    prefix: row.prefix,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  }))
}

/**
 * Revokes a key: requests with it get 401 from then on. Revoking twice keeps the first date; an
 * unknown id is a `DoesNotExist`.
 *
 * @example
 * ```ts
 * await revokeKey(3)
 * ```
 */
export async function revokeKey(id: number): Promise<void> {
  await ensureDatabase()
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new ValidationError(`key id ${JSON.stringify(id)} is not valid: give the numeric id shown by key list.`, {
      id: ['invalid'],
    })
  }
  const updated = await ApiKey.objects.filter({ id, revoked_at__isnull: true }).update({ revoked_at: new Date() })
  if (updated === 0 && !(await ApiKey.objects.filter({ id }).exists())) {
    throw new DoesNotExist(`key ${id} does not exist. List the keys with: npm run dashboard -- key list`)
  }
}

/**
 * Checks an `Authorization` header for a key of `kind`: 401 when it is missing, malformed, unknown
 * or revoked; 403 when it is a key of the other kind. Never throws for a bad header.
 *
 * @example
 * ```ts
 * const auth = await authenticateKey(request.headers.get('authorization'), 'ingest')
 * if (!auth.ok) return Response.json({ error: auth.error }, { status: auth.status })
 * ```
 */
export async function authenticateKey(authorization: string | null, kind: KeyKind): Promise<KeyCheck> {
  await ensureDatabase()
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (match === null) {
    return {
      ok: false,
      status: 401,
      error: `missing or malformed Authorization header: send 'Authorization: Bearer <${kind} key>'`,
    }
  }
  const secret = match[1] as string
  if (!SECRET_PATTERN.test(secret)) {
    return { ok: false, status: 401, error: 'unknown key: it is not a dashboard key (dk_ingest_… or dk_ci_…)' }
  }
  const key = await ApiKey.objects
    .filter({ secret_hash: hashSecret(secret) })
    .selectRelated('environment')
    .first()
  if (key === null) return { ok: false, status: 401, error: 'unknown key: check the secret, or create a key' }
  if (key.revoked_at !== null) {
    return { ok: false, status: 401, error: `key ${key.prefix}… was revoked: create a new one` }
  }
  if (key.kind !== kind) {
    const needs = kind === 'ingest' ? 'ingest needs an ingest key' : 'deploy reports need a ci key'
    return { ok: false, status: 403, error: `this is a${key.kind === 'ingest' ? 'n' : ''} ${key.kind} key; ${needs}` }
  }
  const now = new Date()
  if (key.last_used_at === null || now.getTime() - key.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    await ApiKey.objects.filter({ id: key.id }).update({ last_used_at: now })
  }
  return {
    ok: true,
    environmentId: Number(key.environmentId),
    environment: key.environment.name,
    keyId: Number(key.id),
  }
}
