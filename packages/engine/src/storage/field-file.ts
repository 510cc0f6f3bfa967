/**
 * The value a FileField holds on an instance: the stored name plus what can be done with the file
 * (its URL and size, reading it back, saving new content, deleting it). `url` and `size` are
 * awaitable properties (`await doc.attachment.url`): finding them may ask S3.
 */
import type { Readable } from 'node:stream'
import { DormError } from '../errors.js'
import type { FileContent } from './file-content.js'
import type { FileSystemStorage } from './filesystem-storage.js'
import type { Storage } from './storage.js'
import { resolveUploadTo, type UploadTo } from './upload-to.js'

/** What a FieldFile needs from its field. */
export interface FileFieldLike {
  readonly uploadTo: UploadTo
  readonly maxLength: number
  readonly storage: Storage
  describe(): string
}

/** Options of {@link FieldFile.save} and {@link FieldFile.delete}. */
export interface FieldFileSaveOptions {
  /** Also save the model instance (default true), so the row records the new name. */
  save?: boolean
}

/**
 * A file attached to a model instance through a FileField.
 *
 * @example
 * ```ts
 * const doc = new Document({ title: 'Q1' })
 * await doc.attachment.save('q1 report.pdf', createReadStream('/tmp/q1.pdf')) // saves the row too
 * doc.attachment.name // 'reports/2025/q1 report.pdf'
 * await doc.attachment.url // '/media/reports/2025/q1%20report.pdf'
 * const stream = await doc.attachment.open()
 * ```
 */
export class FieldFile {
  /** The model instance the file belongs to. */
  readonly instance: object
  readonly field: FileFieldLike
  /** The storage name, or null when no file is attached. */
  name: string | null

  constructor(instance: object, field: FileFieldLike, name: string | null) {
    this.instance = instance
    this.field = field
    this.name = name === '' ? null : name
  }

  /** The storage the field writes to. */
  get storage(): Storage {
    return this.field.storage
  }

  /** Whether a file name is set (the file itself may still be missing from the storage). */
  get hasFile(): boolean {
    return this.name !== null
  }

  /** The file's URL: plain for the file system and a CDN domain, presigned for private S3. */
  get url(): Promise<string> {
    return this.#withName((name) => this.storage.url(name))
  }

  /** The file's size in bytes. */
  get size(): Promise<number> {
    return this.#withName((name) => this.storage.size(name))
  }

  /**
   * The absolute path on disk; only for storages with a file system (FileSystemStorage).
   *
   * @example
   * ```ts
   * await sharp(doc.photo.path).resize(200).toFile(thumbPath)
   * ```
   */
  get path(): string {
    const name = this.#requireName()
    const storage = this.storage as Partial<FileSystemStorage>
    if (typeof storage.path !== 'function') {
      throw new DormError(
        `${this.field.describe()}: ${this.storage.constructor.name} has no local paths. Use open() to stream the file.`,
        { code: 'NO_LOCAL_PATH' },
      )
    }
    return storage.path(name)
  }

  /** Whether the file exists in the storage (false when no name is set). */
  async exists(): Promise<boolean> {
    return this.name === null ? false : this.storage.exists(this.name)
  }

  /** A stream of the file's bytes. */
  open(): Promise<Readable> {
    return this.#withName((name) => this.storage.open(name))
  }

  /** The whole file in memory: for small files only; stream large ones with {@link open}. */
  async read(): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of await this.open()) chunks.push(Buffer.from(chunk as Uint8Array))
    return Buffer.concat(chunks)
  }

  /**
   * Stores `content` under the field's `uploadTo` with a name derived from `name` (sanitised,
   * made unique), sets `this.name`, and saves the instance unless `save: false`. The previous file,
   * if any, stays in the storage.
   *
   * @example
   * ```ts
   * await doc.attachment.save(upload.name, upload) // a File from request.formData()
   * ```
   */
  async save(name: string, content: FileContent, options: FieldFileSaveOptions = {}): Promise<void> {
    const filename = this.storage.getValidName(name)
    const target = resolveUploadTo(this.field.uploadTo, this.instance, filename)
    this.name = await this.storage.save(target, content, { maxLength: this.field.maxLength })
    if (options.save !== false) await (this.instance as { save(): Promise<void> }).save()
  }

  /**
   * Deletes the file from the storage, clears the name, and saves the instance unless `save: false`.
   *
   * @example
   * ```ts
   * await doc.attachment.delete()
   * ```
   */
  async delete(options: FieldFileSaveOptions = {}): Promise<void> {
    if (this.name === null) return
    await this.storage.delete(this.name)
    this.name = null
    if (options.save !== false) await (this.instance as { save(): Promise<void> }).save()
  }

  /** The name (empty when none), so a FieldFile prints and interpolates as its name. */
  toString(): string {
    return this.name ?? ''
  }

  /** The name, for JSON payloads. */
  toJSON(): string | null {
    return this.name
  }

  #requireName(): string {
    if (this.name === null) {
      throw new DormError(
        `${this.field.describe()} has no file associated with it. Check hasFile first, or save a file with ` +
          '.save(name, content).',
        { code: 'NO_FILE' },
      )
    }
    return this.name
  }

  async #withName<T>(fn: (name: string) => Promise<T>): Promise<T> {
    return fn(this.#requireName())
  }
}
