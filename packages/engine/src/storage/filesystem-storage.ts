/**
 * Files on local disk under `location`, served from `baseUrl`. Every name goes through the
 * traversal guard (realpath, symbolic links included) before any I/O. Writes stream into a
 * temporary file next to the target, are flushed to disk, then hard-linked to the final name: the
 * link fails if the name was taken meanwhile (another suffix is tried), and a crash leaves at most a
 * stray `.*.dorm-tmp` file, never half a file under the final name.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, realpathSync } from 'node:fs'
import { chmod, link, mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ImproperlyConfigured } from '../errors.js'
import { contentStream, type FileContent } from './file-content.js'
import { isInside, resolveInside, resolveInsideSync } from './filesystem-path-guard.js'
import type { Storage, StorageSaveOptions } from './storage.js'
import { FileNotFound, StorageError, SuspiciousFileOperation } from './storage-errors.js'
import { checkName, cleanName, findAvailableName, getValidName } from './storage-names.js'

/** Options of {@link FileSystemStorage}. */
export interface FileSystemStorageOptions {
  /** Directory the files live in (created on the first save). Default `./media`, resolved against the cwd. */
  location?: string
  /** URL prefix the directory is served from. Default `/media/`. */
  baseUrl?: string
  /** Mode of saved files. Default `0o644`. */
  filePermissionsMode?: number
  /** Mode of directories the storage creates (before the umask). Default `0o755`. */
  directoryPermissionsMode?: number
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS'])

/**
 * A storage on the local file system.
 *
 * @example
 * ```ts
 * const storage = new FileSystemStorage({ location: '/var/app/media', baseUrl: 'https://cdn.example.com/media/' })
 * const name = await storage.save('avatars/me.png', createReadStream('me.png')) // 'avatars/me.png'
 * await storage.url(name) // 'https://cdn.example.com/media/avatars/me.png'
 * ```
 */
export class FileSystemStorage implements Storage {
  /** Absolute path of the storage root. */
  readonly location: string
  /** URL prefix, always ending in `/`. */
  readonly baseUrl: string
  readonly filePermissionsMode: number
  readonly directoryPermissionsMode: number

  constructor(options: FileSystemStorageOptions = {}) {
    const location = options.location ?? './media'
    if (typeof location !== 'string' || location === '') {
      throw new ImproperlyConfigured(
        `FileSystemStorage location must be a directory path, got ${JSON.stringify(location)}. ` +
          "Use e.g. OPTIONS: { location: '/var/app/media' } on a persistent volume.",
      )
    }
    const baseUrl = options.baseUrl ?? '/media/'
    if (typeof baseUrl !== 'string') {
      throw new ImproperlyConfigured(
        `FileSystemStorage baseUrl must be a string such as '/media/', got ${typeof baseUrl}.`,
      )
    }
    this.location = resolve(location)
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`
    this.filePermissionsMode = options.filePermissionsMode ?? 0o644
    this.directoryPermissionsMode = options.directoryPermissionsMode ?? 0o755
  }

  getValidName(name: string): string {
    return getValidName(name)
  }

  getAvailableName(name: string, maxLength?: number): Promise<string> {
    return findAvailableName(cleanName(name), { maxLength, exists: (n) => this.exists(n) })
  }

  async save(name: string, content: FileContent, options: StorageSaveOptions = {}): Promise<string> {
    const source = contentStream(content)
    let available = await this.getAvailableName(name, options.maxLength)
    const root = await this.#writableRoot()
    let target = await this.#prepareDirectory(root, available)
    const temp = `${dirname(target)}/.${basename(target).slice(0, 40)}.${randomBytes(6).toString('hex')}.dorm-tmp`
    try {
      await this.#writeTemp(temp, source)
      for (;;) {
        const placed = await this.#place(temp, target)
        if (placed) return available
        available = await findAvailableName(available, {
          maxLength: options.maxLength,
          exists: (n) => this.exists(n),
          taken: true,
        })
        target = await this.#prepareDirectory(root, available)
      }
    } catch (err) {
      source.destroy()
      throw wrap(err, `save '${available}' in ${this.location}`)
    } finally {
      await rm(temp, { force: true })
    }
  }

  async open(name: string): Promise<Readable> {
    const path = await this.#existingPath(name)
    try {
      // opened before returning, so a missing file rejects here rather than on the first read
      const handle = await open(path, 'r')
      return handle.createReadStream()
    } catch (err) {
      throw this.#notFoundOr(err, name, `open '${name}'`)
    }
  }

  async delete(name: string): Promise<void> {
    const path = await this.#existingPath(name)
    try {
      await rm(path, { force: true })
    } catch (err) {
      throw wrap(err, `delete '${name}' from ${this.location}`)
    }
  }

  async exists(name: string): Promise<boolean> {
    const path = await this.#existingPath(name)
    try {
      await stat(path)
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw wrap(err, `check '${name}' in ${this.location}`)
    }
  }

  async size(name: string): Promise<number> {
    const path = await this.#existingPath(name)
    try {
      return (await stat(path)).size
    } catch (err) {
      throw this.#notFoundOr(err, name, `stat '${name}'`)
    }
  }

  async url(name: string): Promise<string> {
    const clean = checkName(name)
    return this.baseUrl + clean.split('/').map(encodeURIComponent).join('/')
  }

  /**
   * The absolute path of `name` on disk (checked by the traversal guard; the file need not exist).
   *
   * @example
   * ```ts
   * storage.path('avatars/me.png') // '/var/app/media/avatars/me.png'
   * ```
   */
  path(name: string): string {
    const clean = checkName(name)
    let root: string
    try {
      root = realpathSyncOrSelf(this.location)
    } catch (err) {
      throw wrap(err, `resolve ${this.location}`)
    }
    return resolveInsideSync(root, clean)
  }

  /** The real path of the root, created first. */
  async #writableRoot(): Promise<string> {
    try {
      await mkdir(this.location, { recursive: true, mode: this.directoryPermissionsMode })
      return await realpath(this.location)
    } catch (err) {
      throw wrap(err, `prepare the storage location ${this.location}`)
    }
  }

  /** The real path of the root, or its lexical path while it does not exist (nothing there to follow). */
  async #readableRoot(): Promise<string> {
    try {
      return await realpath(this.location)
    } catch (err) {
      if (isMissing(err)) return this.location
      throw wrap(err, `resolve the storage location ${this.location}`)
    }
  }

  /** The checked path of `name` for a read or delete (under the lexical root when it does not exist yet). */
  async #existingPath(name: string): Promise<string> {
    const clean = checkName(name)
    return resolveInside(await this.#readableRoot(), clean)
  }

  /** Checks `name`, creates its directory, and checks again (a directory swapped for a link meanwhile). */
  async #prepareDirectory(root: string, name: string): Promise<string> {
    const target = await resolveInside(root, name)
    await mkdir(dirname(target), { recursive: true, mode: this.directoryPermissionsMode })
    const realDirectory = await realpath(dirname(target))
    if (!isInside(root, realDirectory)) {
      throw new SuspiciousFileOperation(
        `Refusing to write '${name}': its directory resolves outside the storage root '${root}' (to '${realDirectory}').`,
      )
    }
    return target
  }

  async #writeTemp(temp: string, source: Readable): Promise<void> {
    // 'wx': a fresh file, never an existing one or the target of a planted link
    await pipeline(source, createWriteStream(temp, { flags: 'wx', mode: this.filePermissionsMode }))
    const handle = await open(temp, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    await chmod(temp, this.filePermissionsMode)
  }

  /** Gives the temp file its final name without ever replacing a file; false when the name is taken. */
  async #place(temp: string, target: string): Promise<boolean> {
    try {
      await link(temp, target)
      return true
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      if (code === 'EEXIST') return false
      if (!LINK_UNSUPPORTED.has(code)) throw err
    }
    // file systems without hard links: rename, after one more look for a competing file
    if (await pathExists(target)) return false
    await rename(temp, target)
    return true
  }

  #notFoundOr(err: unknown, name: string, action: string): Error {
    if (isMissing(err) || (err as { code?: string }).code === 'EISDIR') {
      return new FileNotFound(name, `the storage at ${this.location}`, { cause: err })
    }
    return wrap(err, `${action} in ${this.location}`)
  }
}

function realpathSyncOrSelf(path: string): string {
  try {
    return realpathSync(path)
  } catch (err) {
    if (isMissing(err)) return path
    throw err
  }
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

function wrap(err: unknown, action: string): Error {
  if (err instanceof StorageError || err instanceof SuspiciousFileOperation) return err
  const message = err instanceof Error ? err.message : String(err)
  return new StorageError(`Could not ${action}: ${message}`, { cause: err })
}
