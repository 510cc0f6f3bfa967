/**
 * The shape of STORAGES (dorm has no storage backends yet, so only what the settings say is
 * checked): DORM-D010 entries but no `default`, DORM-D011 an entry without BACKEND, and for S3
 * DORM-D012 credentials written into the settings, DORM-D013 a plain-HTTP endpoint to a remote host,
 * DORM-D014 no bucket (warnings); DORM-D015 a filesystem storage without `location` (note).
 *
 * Options are read from the entry's OPTIONS (or the entry itself), under the camelCase names of the
 * API and the snake_case ones of the Python original. A credential whose value equals an
 * environment variable's was read from the environment, which is what the deploy checklist asks
 * for, so only literals count as hard-coded.
 */
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
  if (storages === undefined || storages === null || Object.keys(storages).length === 0) return []
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
