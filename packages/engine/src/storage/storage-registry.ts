/**
 * `getStorage(alias)`: the storage configured under `STORAGES[alias]`, built once and cached until
 * the next `configure()` that changes STORAGES. With STORAGES unset or empty, `default` is a
 * FileSystemStorage at `./media` served from `/media/` (as in the original); once STORAGES has
 * entries, it must have `default`, and an unknown alias is an error naming the configured ones.
 *
 * An entry is `{ BACKEND, OPTIONS }`. BACKEND is `'filesystem'`, `'s3'`, the original's dotted
 * names (`dorm.storage.FileSystemStorage`, `dorm.contrib.storage.s3.S3Storage`) or a class whose
 * constructor takes OPTIONS. Options use the camelCase names of the API; the original's snake_case
 * names (`bucket_name`, `endpoint_url`, `custom_domain`, ...) are accepted too.
 */
import { getSettings, onSettingsChanged } from '../conf/settings.js'
import { ImproperlyConfigured } from '../errors.js'
import { FileSystemStorage, type FileSystemStorageOptions } from './filesystem-storage.js'
import { S3Storage, type S3StorageOptions } from './s3-storage.js'
import type { Storage } from './storage.js'

/** A STORAGES entry. */
export interface StorageSettings {
  BACKEND: 'filesystem' | 's3' | string | (new (options: Record<string, unknown>) => Storage)
  OPTIONS?: Record<string, unknown>
}

const FILESYSTEM_OPTIONS: Record<string, keyof FileSystemStorageOptions> = {
  location: 'location',
  baseUrl: 'baseUrl',
  base_url: 'baseUrl',
  filePermissionsMode: 'filePermissionsMode',
  file_permissions_mode: 'filePermissionsMode',
  directoryPermissionsMode: 'directoryPermissionsMode',
  directory_permissions_mode: 'directoryPermissionsMode',
}

const S3_OPTIONS: Record<string, keyof S3StorageOptions> = {
  bucket: 'bucket',
  bucketName: 'bucket',
  bucket_name: 'bucket',
  region: 'region',
  region_name: 'region',
  endpoint: 'endpoint',
  endpointUrl: 'endpoint',
  endpoint_url: 'endpoint',
  forcePathStyle: 'forcePathStyle',
  location: 'location',
  customDomain: 'customDomain',
  custom_domain: 'customDomain',
  querystringAuth: 'querystringAuth',
  querystring_auth: 'querystringAuth',
  querystringExpire: 'querystringExpire',
  querystring_expire: 'querystringExpire',
  defaultAcl: 'defaultAcl',
  default_acl: 'defaultAcl',
  fileOverwrite: 'fileOverwrite',
  file_overwrite: 'fileOverwrite',
  accessKeyId: 'accessKeyId',
  accessKey: 'accessKeyId',
  access_key: 'accessKeyId',
  secretAccessKey: 'secretAccessKey',
  secretKey: 'secretAccessKey',
  secret_key: 'secretAccessKey',
  sessionToken: 'sessionToken',
  session_token: 'sessionToken',
  partSize: 'partSize',
  queueSize: 'queueSize',
  objectParameters: 'objectParameters',
  object_parameters: 'objectParameters',
  client: 'client',
}

const cache = new Map<string, Storage>()
let listening = false

/**
 * The storage configured under `alias` (default `'default'`), cached per alias.
 *
 * @example
 * ```ts
 * configure({ STORAGES: { default: { BACKEND: 'filesystem', OPTIONS: { location: '/var/app/media' } } } })
 * const name = await getStorage().save('hello.txt', 'hi')
 * ```
 */
export function getStorage(alias = 'default'): Storage {
  const cached = cache.get(alias)
  if (cached !== undefined) return cached
  if (!listening) {
    onSettingsChanged((keys) => {
      if (keys.includes('STORAGES')) cache.clear()
    })
    listening = true
  }
  const storage = buildStorage(alias, entryFor(alias))
  cache.set(alias, storage)
  return storage
}

/**
 * Forgets every cached storage (the next `getStorage()` builds them again from the settings).
 *
 * @example
 * ```ts
 * afterEach(() => resetStorages())
 * ```
 */
export function resetStorages(): void {
  cache.clear()
}

/**
 * A storage from one STORAGES entry; `alias` only names it in error messages.
 *
 * @example
 * ```ts
 * buildStorage('media', { BACKEND: 's3', OPTIONS: { bucket: 'media' } }) // an S3Storage
 * ```
 */
export function buildStorage(alias: string, entry: unknown): Storage {
  const where = `STORAGES['${alias}']`
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new ImproperlyConfigured(
      `${where} must be an object { BACKEND, OPTIONS }, got ${describe(entry)}. ` +
        "Use e.g. { BACKEND: 'filesystem', OPTIONS: { location: '/var/app/media' } }.",
    )
  }
  const { BACKEND: backend, OPTIONS: rawOptions = {} } = entry as { BACKEND?: unknown; OPTIONS?: unknown }
  if (rawOptions === null || typeof rawOptions !== 'object' || Array.isArray(rawOptions)) {
    throw new ImproperlyConfigured(`${where}.OPTIONS must be an object of options, got ${describe(rawOptions)}.`)
  }
  const options = rawOptions as Record<string, unknown>
  if (typeof backend === 'function') {
    return new (backend as new (options: Record<string, unknown>) => Storage)(options)
  }
  const kind = typeof backend === 'string' ? backendKind(backend) : undefined
  if (kind === 'filesystem') {
    return new FileSystemStorage(translate(where, options, FILESYSTEM_OPTIONS) as FileSystemStorageOptions)
  }
  if (kind === 's3') return new S3Storage(translate(where, options, S3_OPTIONS) as unknown as S3StorageOptions)
  throw new ImproperlyConfigured(
    `${where}.BACKEND must be 'filesystem', 's3' or a storage class, got ${describe(backend)}.`,
  )
}

function entryFor(alias: string): unknown {
  const storages = getSettings().STORAGES ?? {}
  const aliases = Object.keys(storages)
  if (aliases.length === 0) {
    if (alias === 'default') return { BACKEND: 'filesystem', OPTIONS: {} }
    throw new ImproperlyConfigured(
      `No storage '${alias}': STORAGES is not configured. Add STORAGES: { ${alias}: { BACKEND: 'filesystem', ` +
        "OPTIONS: { location: '/var/app/media' } } } to the settings.",
    )
  }
  if (!Object.hasOwn(storages, 'default')) {
    throw new ImproperlyConfigured(
      `STORAGES has no 'default' entry (it has ${aliases.map((a) => `'${a}'`).join(', ')}). ` +
        'Add STORAGES.default: file fields without an explicit storage use it.',
    )
  }
  if (!Object.hasOwn(storages, alias)) {
    throw new ImproperlyConfigured(
      `No storage '${alias}' in STORAGES. Configured: ${aliases.map((a) => `'${a}'`).join(', ')}. ` +
        'Add it to STORAGES or use one of those aliases.',
    )
  }
  return storages[alias]
}

function backendKind(backend: string): 'filesystem' | 's3' | undefined {
  const name = backend.toLowerCase()
  if (name === 'filesystem' || name.endsWith('filesystemstorage')) return 'filesystem'
  if (name === 's3' || name.endsWith('s3storage') || name.endsWith('s3boto3storage')) return 's3'
  return undefined
}

function translate(
  where: string,
  options: Record<string, unknown>,
  names: Record<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    const name = names[key]
    if (name === undefined) {
      const known = [...new Set(Object.values(names))].join(', ')
      throw new ImproperlyConfigured(`${where}.OPTIONS has an unknown option '${key}'. Known options: ${known}.`)
    }
    if (value !== undefined) out[name] = value
  }
  return out
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`
}
