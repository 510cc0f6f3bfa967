/**
 * Where a FileField puts an uploaded file, from its `uploadTo`: a directory (`'avatars'`), a date
 * template in strftime style (`'invoices/%Y/%m/%d'`, the date in UTC), or a function of
 * `(instance, filename)` returning the whole name. The file name is passed through the storage's
 * `getValidName` first, so user input never picks the directory.
 */
import { ImproperlyConfigured } from '../errors.js'

/** A FileField's `uploadTo`: a directory, a strftime template, or a function returning the whole name. */
export type UploadTo = string | ((instance: unknown, filename: string) => string)

const DATE_TOKENS: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getUTCFullYear()),
  y: (d) => String(d.getUTCFullYear() % 100).padStart(2, '0'),
  m: (d) => String(d.getUTCMonth() + 1).padStart(2, '0'),
  d: (d) => String(d.getUTCDate()).padStart(2, '0'),
  H: (d) => String(d.getUTCHours()).padStart(2, '0'),
  M: (d) => String(d.getUTCMinutes()).padStart(2, '0'),
  S: (d) => String(d.getUTCSeconds()).padStart(2, '0'),
  j: (d) => String(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0'),
  '%': () => '%',
}

/**
 * Throws ImproperlyConfigured when `uploadTo` is neither a string nor a function, or uses a date
 * token other than `%Y %y %m %d %H %M %S %j %%`.
 *
 * @example
 * ```ts
 * checkUploadTo('invoices/%Y/%m') // fine
 * checkUploadTo('invoices/%B') // throws: %B is not supported
 * ```
 */
export function checkUploadTo(uploadTo: unknown): void {
  if (typeof uploadTo === 'function') return
  if (typeof uploadTo !== 'string') {
    throw new ImproperlyConfigured(
      `FileField uploadTo must be a directory string, a date template or a function (instance, filename) => name, ` +
        `got ${typeof uploadTo}. Example: new FileField({ uploadTo: 'invoices/%Y/%m' }).`,
    )
  }
  for (const match of uploadTo.matchAll(/%(.?)/g)) {
    const token = match[1] ?? ''
    if (!(token in DATE_TOKENS)) {
      throw new ImproperlyConfigured(
        `FileField uploadTo '${uploadTo}' uses '%${token}', which is not a supported date token. ` +
          'Use %Y %y %m %d %H %M %S %j, or %% for a literal percent sign.',
      )
    }
  }
}

/**
 * Formats the date tokens of a template (UTC).
 *
 * @example
 * ```ts
 * formatDateTemplate('invoices/%Y/%m', new Date('2025-03-09T10:00:00Z')) // 'invoices/2025/03'
 * ```
 */
export function formatDateTemplate(template: string, date: Date): string {
  return template.replace(/%(.?)/g, (whole, token: string) => DATE_TOKENS[token]?.(date) ?? whole)
}

/**
 * The storage name for `filename` (already a valid base name) saved on `instance`: the function's
 * result, or the formatted directory joined with the file name.
 *
 * @example
 * ```ts
 * resolveUploadTo('avatars/%Y', doc, 'me.png', new Date('2025-01-01')) // 'avatars/2025/me.png'
 * resolveUploadTo((doc, name) => `users/${doc.userId}/${name}`, doc, 'me.png') // 'users/7/me.png'
 * ```
 */
export function resolveUploadTo(uploadTo: UploadTo, instance: unknown, filename: string, now = new Date()): string {
  if (typeof uploadTo === 'function') {
    const name = uploadTo(instance, filename)
    if (typeof name !== 'string' || name === '') {
      throw new ImproperlyConfigured(
        `FileField uploadTo function returned ${JSON.stringify(name)}; it must return the storage name as a ` +
          "non-empty string, e.g. (doc, filename) => 'docs/' + filename.",
      )
    }
    return name
  }
  const directory = formatDateTemplate(uploadTo, now).replace(/^\/+|\/+$/g, '')
  return directory === '' ? filename : `${directory}/${filename}`
}
