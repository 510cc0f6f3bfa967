/**
 * The contract every storage backend meets. Names are relative `/`-separated paths; content goes
 * in and comes out as streams, so no file is ever held whole in memory.
 */
import type { Readable } from 'node:stream'
import type { FileContent } from './file-content.js'

/** Options of {@link Storage.save}. */
export interface StorageSaveOptions {
  /** The longest name the caller can store (a FileField's `maxLength`); longer names are cut. */
  maxLength?: number | undefined
}

/**
 * A file storage: `FileSystemStorage`, `S3Storage`, or a class of your own configured by its
 * constructor in `STORAGES` (`BACKEND: MyStorage`).
 *
 * @example
 * ```ts
 * const storage = getStorage()
 * const name = await storage.save('reports/q1.pdf', createReadStream('/tmp/q1.pdf'))
 * const stream = await storage.open(name)
 * console.log(await storage.size(name), await storage.url(name))
 * await storage.delete(name)
 * ```
 */
export interface Storage {
  /**
   * Writes `content` under `name` (sanitised, made unique with a short random suffix when taken)
   * and resolves to the name actually used. Never overwrites an existing file unless the backend
   * is configured to.
   */
  save(name: string, content: FileContent, options?: StorageSaveOptions): Promise<string>
  /** A stream of the file's bytes; rejects with `FileNotFound` when it does not exist. */
  open(name: string): Promise<Readable>
  /** Removes the file; a missing file is not an error. */
  delete(name: string): Promise<void>
  exists(name: string): Promise<boolean>
  /** Size in bytes; rejects with `FileNotFound` when it does not exist. */
  size(name: string): Promise<number>
  /** A URL the file can be fetched from (signed and expiring for private S3 buckets). */
  url(name: string): Promise<string>
  /** A safe base name for a user-supplied file name (see `getValidName`). */
  getValidName(name: string): string
  /** A name based on `name` that is free in this storage and fits `maxLength`. */
  getAvailableName(name: string, maxLength?: number): Promise<string>
}
