/**
 * The errors file storage raises. A name that would leave the storage (`../`, an absolute path, a
 * NUL byte, a symbolic link pointing out) is a {@link SuspiciousFileOperation}, which is an
 * `ImproperlyConfigured` as in the original: it means the code that built the name (an `uploadTo`
 * function, a user-supplied file name) needs fixing, not that the disk failed.
 */
import { DormError, ImproperlyConfigured } from '../errors.js'

/**
 * A storage operation failed (a disk or S3 error, content of an unsupported type, no free name).
 * `code` is `STORAGE_ERROR` unless a more precise one is given; the driver error is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await getStorage().save('report.pdf', stream)
 * } catch (err) {
 *   if (err instanceof StorageError) console.log(err.code, err.cause)
 * }
 * ```
 */
export class StorageError extends DormError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'STORAGE_ERROR', cause: options.cause })
  }
}

/**
 * The named file does not exist in the storage (`open()`, `size()` of a missing name).
 *
 * @example
 * ```ts
 * try {
 *   await storage.open('gone.txt')
 * } catch (err) {
 *   if (err instanceof FileNotFound) console.log(err.fileName) // 'gone.txt'
 * }
 * ```
 */
export class FileNotFound extends StorageError {
  /** The storage name that was asked for. */
  readonly fileName: string

  constructor(fileName: string, where: string, options: { cause?: unknown } = {}) {
    super(
      `File '${fileName}' does not exist in ${where}. Check the name stored in the row, or whether the file was deleted.`,
      {
        code: 'FILE_NOT_FOUND',
        cause: options.cause,
      },
    )
    this.fileName = fileName
  }
}

/**
 * A file name that would escape the storage or cannot be a file name at all. Never retried, never
 * silently fixed on reads: the caller must pass a sane name.
 *
 * @example
 * ```ts
 * await storage.open('../../etc/passwd') // throws SuspiciousFileOperation
 * ```
 */
export class SuspiciousFileOperation extends ImproperlyConfigured {}
