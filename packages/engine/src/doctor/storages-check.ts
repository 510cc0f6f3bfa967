/**
 * The shape of STORAGES: DORM-D010 entries but no `default`, DORM-D011 an entry without BACKEND,
 * and for S3 DORM-D012 credentials written into the settings, DORM-D013 a plain-HTTP endpoint to a
 * remote host, DORM-D014 no bucket (warnings); DORM-D015 a filesystem storage without `location`
 * (note), DORM-D020 a filesystem `location` that is not a writable directory (warning), DORM-D021
 * a FileField in use while STORAGES is empty, so files go to `./media` (note).
 *
 * Options are read from the entry's OPTIONS (or the entry itself), under the camelCase names of the
 * API and the snake_case ones of the Python original. A credential whose value equals an
 * environment variable's was read from the environment, which is what the deploy checklist asks
 * for, so only literals count as hard-coded.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { type DoctorContext, type DoctorFinding, isLocalHost, note, warning } from './doctor-check.js'

const ACCESS_KEYS = ['accessKeyId', 'accessKey', 'access_key', 'secretAccessKey', 'secretKey', 'secret_key']
const BUCKET_KEYS = ['bucket', 'bucketName', 'bucket_name']
const ENDPOINT_KEYS = ['endpoint', 'endpointUrl', 'endpoint_url']

type Entry = Record<string, unknown>

/**
 * The STORAGES findings.
 *
 * @example
 * ```ts
 * configure({ STORAGES: { media: { BACKEND: 's3', OPTIONS: { bucket: 'b', secretKey: 'abc' } } } })
 * checkStorages(doctorContext()) // DORM-D010 (no default) and DORM-D012 (hard-coded key)
 * ```
 */
export function checkStorages(context: DoctorContext): DoctorFinding[] {
  const storages = context.settings.STORAGES
  if (storages === undefined || storages === null || Object.keys(storages).length === 0)
    return checkImplicitStorage(context)
  const findings: DoctorFinding[] = []
  if (!Object.hasOwn(storages, 'default')) {
    findings.push(
      warning(
        'DORM-D010',
        "STORAGES is set but has no 'default' entry; file fields without an explicit storage will fail with " +
          'ImproperlyConfigured. Add STORAGES.default.',
      ),
    )
  }
  const fromEnv = new Set(Object.values(context.env).filter((v): v is string => typeof v === 'string' && v !== ''))
  for (const [name, raw] of Object.entries(storages)) {
    const where = `STORAGES['${name}']`
    const entry: Entry = raw !== null && typeof raw === 'object' ? (raw as Entry) : {}
    const backend = entry.BACKEND
    if (backend === undefined || backend === null || backend === '') {
      findings.push(warning('DORM-D011', `${where}: no BACKEND; every entry needs BACKEND 'filesystem' or 's3'.`))
      continue
    }
    // a custom backend (a class, another name) has a shape of its own
    if (typeof backend !== 'string') continue
    const options: Entry = { ...entry, ...(isEntry(entry.OPTIONS) ? entry.OPTIONS : {}) }
    if (/s3/i.test(backend)) findings.push(...checkS3(where, options, fromEnv))
    else if (/filesystem/i.test(backend) && !hasValue(options.location)) {
      findings.push(
        note(
          'DORM-D015',
          `${where}: filesystem storage without OPTIONS.location; set it to a directory on a persistent volume ` +
            'so a redeploy does not lose uploads.',
        ),
      )
    } else if (/filesystem/i.test(backend) && typeof options.location === 'string') {
      findings.push(...checkLocation(where, options.location))
    }
  }
  return findings
}

function checkS3(where: string, options: Entry, fromEnv: ReadonlySet<string>): DoctorFinding[] {
  const findings: DoctorFinding[] = []
  if (!BUCKET_KEYS.some((key) => hasValue(options[key]))) {
    findings.push(warning('DORM-D014', `${where}: S3 storage needs OPTIONS.bucket.`))
  }
  const literal = ACCESS_KEYS.filter((key) => hasValue(options[key]) && !fromEnv.has(String(options[key])))
  if (literal.length > 0) {
    findings.push(
      warning(
        'DORM-D012',
        `${where}: ${literal.map((key) => `OPTIONS.${key}`).join(' / ')} hard-coded in the settings — fine for a ` +
          'local MinIO, but in production let the AWS credential chain (IAM role, environment, ~/.aws) supply them.',
      ),
    )
  }
  const endpoint = ENDPOINT_KEYS.map((key) => options[key]).find(hasValue)
  if (typeof endpoint === 'string' && /^http:\/\//i.test(endpoint) && !isLocalHost(hostOf(endpoint))) {
    findings.push(
      warning(
        'DORM-D013',
        `${where}: endpoint '${endpoint}' uses plain HTTP for a non-local host. Use https:// to avoid sending ` +
          'credentials and files in cleartext.',
      ),
    )
  }
  return findings
}

function isEntry(value: unknown): value is Entry {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== ''
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname
  } catch {
    return url
  }
}

function checkImplicitStorage(context: DoctorContext): DoctorFinding[] {
  const fileFields = context.models.flatMap((model) =>
    model.meta.fields.filter((field) => field.kind === 'FileField').map((field) => field.describe()),
  )
  if (fileFields.length === 0) return []
  return [
    note(
      'DORM-D021',
      `FileField in use (${fileFields.join(', ')}) but STORAGES is empty, so files go to ./media under the ` +
        "working directory. Set STORAGES.default, e.g. { BACKEND: 'filesystem', OPTIONS: { location: " +
        "'/var/app/media' } } on a persistent volume, or an S3 bucket.",
    ),
  ]
}

function checkLocation(where: string, location: string): DoctorFinding[] {
  const path = resolve(location)
  const stats = statSync(path, { throwIfNoEntry: false })
  let problem: string | undefined
  if (stats === undefined) problem = 'does not exist (is the volume mounted?)'
  else if (!stats.isDirectory()) problem = 'is not a directory'
  else {
    try {
      accessSync(path, constants.W_OK | constants.X_OK)
    } catch {
      problem = 'is not writable by this process'
    }
  }
  if (problem === undefined) return []
  return [
    warning(
      'DORM-D020',
      `${where}: location '${path}' ${problem}; uploads will fail. Point OPTIONS.location at a writable ` +
        'directory on a persistent volume.',
    ),
  ]
}
