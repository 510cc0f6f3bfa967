/**
 * How file names become storage names, shared by every backend. A storage name is a relative,
 * `/`-separated path (`uploads/2025/report.pdf`):
 *
 * - {@link getValidName} turns a user-supplied file name into a safe base name (the original's
 *   rule: basename only, characters outside `[A-Za-z0-9._-+ ]` become `_`, spaces and dots stripped
 *   from the ends, `file` when nothing is left).
 * - {@link checkName} validates a name before any read: NUL bytes, absolute paths and `..` are
 *   refused; `\` counts as a separator; nothing is ever URL-decoded, so `%2e%2e` stays a literal name.
 * - {@link cleanName} is `checkName` plus sanitising every component, for names about to be written.
 * - {@link findAvailableName} picks a free name: the name itself, else `stem_<7 hex>ext`, within
 *   `maxLength` and the 255-byte limit of one path component, giving up after 100 attempts.
 */
import { randomBytes } from 'node:crypto'
import { StorageError, SuspiciousFileOperation } from './storage-errors.js'

/** Longest single path component most file systems (and S3 tooling) accept. */
export const MAX_COMPONENT_LENGTH = 255

/** Attempts {@link findAvailableName} makes before giving up, as in the original. */
export const MAX_NAME_ATTEMPTS = 100

const UNSAFE_CHARACTERS = /[^A-Za-z0-9._\-+ ]/g
const EDGE_DOTS_AND_SPACES = /^[ .]+|[ .]+$/g

/**
 * A safe base name for a user-supplied file name: directories dropped, unsafe characters replaced
 * by `_`, spaces and dots trimmed from both ends, `file` when nothing is left.
 *
 * @example
 * ```ts
 * getValidName('../../etc/passwd') // 'passwd'
 * getValidName('C:\\Users\\me\\My Report (final).pdf') // 'My Report _final_.pdf'
 * getValidName('..') // 'file'
 * ```
 */
export function getValidName(name: string): string {
  const base = String(name).split(/[/\\]/).pop() ?? ''
  return sanitizeComponent(base) || 'file'
}

/**
 * Validates a storage name and returns it normalised (`\` becomes `/`, empty and `.` components
 * dropped). Throws {@link SuspiciousFileOperation} for an empty name, a NUL byte, an absolute path
 * (`/x`, `C:\x`, `\\server\x`) or a `..` component.
 *
 * @example
 * ```ts
 * checkName('uploads\\2025/./a.txt') // 'uploads/2025/a.txt'
 * checkName('../secret') // throws SuspiciousFileOperation
 * ```
 */
export function checkName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new SuspiciousFileOperation(
      `A storage name must be a non-empty string, got ${JSON.stringify(name)}. Pass a relative path such as 'uploads/report.pdf'.`,
    )
  }
  if (name.includes('\0')) {
    throw new SuspiciousFileOperation(
      `Refusing the file name ${JSON.stringify(name)}: it contains a NUL byte. Strip control characters from user-supplied names (getValidName does).`,
    )
  }
  const slashed = name.replace(/\\/g, '/')
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new SuspiciousFileOperation(
      `Refusing the file name ${JSON.stringify(name)}: it is an absolute path. Storage names are relative to the storage root, e.g. 'uploads/report.pdf'.`,
    )
  }
  const parts = slashed.split('/').filter((part) => part !== '' && part !== '.')
  if (parts.includes('..')) {
    throw new SuspiciousFileOperation(
      `Refusing the file name ${JSON.stringify(name)}: a '..' component would leave the storage root. Pass user-supplied names through getValidName().`,
    )
  }
  if (parts.length === 0) {
    throw new SuspiciousFileOperation(
      `The storage name ${JSON.stringify(name)} names no file. Pass e.g. 'uploads/report.pdf'.`,
    )
  }
  return parts.join('/')
}

/**
 * {@link checkName}, then every component sanitised like {@link getValidName} and cut to
 * {@link MAX_COMPONENT_LENGTH} (the extension kept): the form in which a name is written.
 *
 * @example
 * ```ts
 * cleanName('uploads/<script>.js') // 'uploads/_script_.js'
 * cleanName('%2e%2e/x.txt') // '_2e_2e/x.txt'
 * ```
 */
export function cleanName(name: string): string {
  return checkName(name)
    .split('/')
    .map((part) => truncateComponent(sanitizeComponent(part) || 'file', MAX_COMPONENT_LENGTH))
    .join('/')
}

/**
 * `[directory, stem, extension]` of a storage name (`'a/b.tar.gz'` -> `['a', 'b.tar', '.gz']`); a
 * leading dot does not start an extension.
 *
 * @example
 * ```ts
 * splitName('uploads/report.pdf') // ['uploads', 'report', '.pdf']
 * ```
 */
export function splitName(name: string): [string, string, string] {
  const slash = name.lastIndexOf('/')
  const dir = slash < 0 ? '' : name.slice(0, slash)
  const base = name.slice(slash + 1)
  const dot = base.lastIndexOf('.')
  return dot > 0 ? [dir, base.slice(0, dot), base.slice(dot)] : [dir, base, '']
}

/**
 * A name that `exists` says is free: `name` itself when it is free and fits, else
 * `stem_<7 hex>ext`, with the stem cut so the whole name fits `maxLength` and the last component
 * fits {@link MAX_COMPONENT_LENGTH}. `taken` forces a suffix (the caller lost a race for `name`).
 *
 * @example
 * ```ts
 * await findAvailableName('a.txt', { maxLength: 100, exists: (n) => storage.exists(n) }) // 'a_3f9c2d1.txt' if a.txt exists
 * ```
 */
export async function findAvailableName(
  name: string,
  options: { maxLength?: number | undefined; exists: (name: string) => Promise<boolean>; taken?: boolean },
): Promise<string> {
  const [dir, stem, ext] = splitName(name)
  const prefix = dir === '' ? '' : `${dir}/`
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const suffix = attempt === 0 && options.taken !== true ? '' : `_${randomBytes(4).toString('hex').slice(0, 7)}`
    const room = Math.min(maxLength - prefix.length, MAX_COMPONENT_LENGTH) - suffix.length - ext.length
    if (room < 1) {
      throw new SuspiciousFileOperation(
        `Storage can not find an available file name for '${name}': it does not fit in maxLength ${maxLength}. ` +
          'Raise the FileField maxLength or shorten uploadTo.',
      )
    }
    const candidate = `${prefix}${stem.slice(0, room)}${suffix}${ext}`
    if (!(await options.exists(candidate))) return candidate
  }
  throw new StorageError(
    `Storage can not find an available file name for '${name}' after ${MAX_NAME_ATTEMPTS} attempts. ` +
      'Check that the storage is reachable and that exists() is not always true.',
    { code: 'NO_AVAILABLE_NAME' },
  )
}

function sanitizeComponent(part: string): string {
  return part.replace(UNSAFE_CHARACTERS, '_').replace(EDGE_DOTS_AND_SPACES, '')
}

function truncateComponent(part: string, limit: number): string {
  if (part.length <= limit) return part
  const [, stem, ext] = splitName(part)
  return ext.length < limit ? `${stem.slice(0, limit - ext.length)}${ext}` : part.slice(0, limit)
}
