/**
 * FileField: a `varchar(maxLength)` column holding a storage name, read on instances as a
 * {@link FieldFile}. The column never holds the bytes; they live in the field's storage
 * (`STORAGES.default` unless `storage` names another alias or gives an instance).
 *
 * Deleting a row leaves its file in the storage by default, as in Django: the name may be shared,
 * and a rolled-back delete must not lose the file. With `deleteFileWithRow: true` the file is
 * deleted once the transaction that deleted the row commits (cascades included); a failure to
 * delete is logged as a WARNING on `dorm.storage` and never fails the delete.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { getLogger } from '../db/logging.js'
import { onCommit } from '../db/transaction.js'
import { ImproperlyConfigured } from '../errors.js'
import { Field, type FieldOptions, type FieldOwner } from '../models/fields/field.js'
import { rejectNul } from '../models/fields/text-nul.js'
import { type DeletePayload, postDelete } from '../signals.js'
import { FieldFile } from './field-file.js'
import type { Storage } from './storage.js'
import { getStorage } from './storage-registry.js'
import { checkUploadTo, type UploadTo } from './upload-to.js'

/** Options of {@link FileField}. */
export interface FileFieldOptions
  extends Omit<FieldOptions<FieldFile>, 'default' | 'primaryKey' | 'choices' | 'validators'> {
  /** Directory, strftime date template (`'invoices/%Y/%m'`, UTC) or `(instance, filename) => name`. Default `''`. */
  uploadTo?: UploadTo
  /** A STORAGES alias, a storage, or a function returning one. Default `STORAGES.default`. */
  storage?: string | Storage | (() => Storage)
  /** Longest stored name (the column's varchar length). Default 255. */
  maxLength?: number
  /** Delete the file when its row is deleted (after the transaction commits). Default false. */
  deleteFileWithRow?: boolean
  /** A default storage name. */
  default?: string
  // biome-ignore lint/suspicious/noConfusingVoidType: validators that only throw return nothing
  validators?: ReadonlyArray<(value: FieldFile) => string | undefined | void>
}

const logger = getLogger('dorm.storage')
const files = new WeakMap<object, Map<string, FieldFile>>()

/**
 * A file stored in a storage, its name in a varchar column.
 *
 * @example
 * ```ts
 * const Document = defineModel('docs.Document', {
 *   fields: {
 *     title: new CharField({ maxLength: 100 }),
 *     attachment: new FileField({ uploadTo: 'documents/%Y/%m', deleteFileWithRow: true }),
 *   },
 * })
 * const doc = new Document({ title: 'Q1' })
 * await doc.attachment.save('q1.pdf', createReadStream('q1.pdf'))
 * ```
 */
export class FileField<const O extends FileFieldOptions = FileFieldOptions> extends Field<
  FieldFile,
  false,
  true,
  false
> {
  readonly kind: string = 'FileField'
  readonly maxLength: number
  readonly uploadTo: UploadTo
  readonly deleteFileWithRow: boolean
  /** The `storage` option as given (resolved on each use by {@link storage}). */
  readonly storageOption: string | Storage | (() => Storage) | undefined

  constructor(options?: O) {
    super((options ?? {}) as FieldOptions<FieldFile>)
    const given = (options ?? {}) as FileFieldOptions & { primaryKey?: unknown }
    if (given.primaryKey === true) {
      throw new ImproperlyConfigured('FileField cannot be a primary key. Add a separate key field to the model.')
    }
    const maxLength = given.maxLength ?? 255
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw new ImproperlyConfigured(
        `FileField maxLength must be a positive integer, got ${JSON.stringify(given.maxLength)}. The default 255 fits most names.`,
      )
    }
    checkUploadTo(given.uploadTo ?? '')
    const storage = given.storage
    if (storage !== undefined && typeof storage !== 'string' && typeof storage !== 'function' && !isStorage(storage)) {
      throw new ImproperlyConfigured(
        'FileField storage must be a STORAGES alias, a storage (with save, open, delete, exists, size, url) or a ' +
          "function returning one. Example: new FileField({ storage: 'media' }).",
      )
    }
    this.maxLength = maxLength
    this.uploadTo = given.uploadTo ?? ''
    this.deleteFileWithRow = given.deleteFileWithRow === true
    this.storageOption = storage
  }

  /** The storage files of this field go to. */
  get storage(): Storage {
    const storage = this.storageOption
    if (storage === undefined) return getStorage('default')
    if (typeof storage === 'string') return getStorage(storage)
    if (typeof storage === 'function') return storage()
    return storage
  }

  dbType(_vendor: Vendor): string {
    return `varchar(${this.maxLength})`
  }

  override hasDefault(): boolean {
    return true
  }

  override getDefault(): FieldFile {
    return (this.options.default ?? null) as unknown as FieldFile
  }

  override toDb(value: unknown, _vendor: Vendor): unknown {
    const name = value instanceof FieldFile ? value.name : (value as string | null | undefined)
    if (name === null || name === undefined || name === '') return this.nullable ? null : ''
    rejectNul(this.describe(), name)
    return name
  }

  override clean(value: unknown): FieldFile {
    if (value instanceof FieldFile || typeof value === 'string') return value as FieldFile
    throw new TypeError(`${this.kind} expects a storage name (string) or a FieldFile, got ${typeof value}`)
  }

  override validate(value: unknown): string[] {
    const name = value instanceof FieldFile ? value.name : (value as string | null | undefined)
    const errors: string[] = []
    if (name === null || name === undefined || name === '') {
      if (this.options.blank !== true) errors.push('This field cannot be blank.')
      return errors
    }
    if (name.length > this.maxLength) {
      errors.push(`Ensure this file name has at most ${this.maxLength} characters (it has ${name.length}).`)
    }
    for (const validator of this.options.validators ?? []) {
      try {
        const message = validator(value as FieldFile)
        if (typeof message === 'string') errors.push(message)
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err))
      }
    }
    return errors
  }

  /** Defines the instance accessor and, with `deleteFileWithRow`, the delete hook. */
  override contributeToClass(model: FieldOwner & { readonly prototype: object }): void {
    const field = this
    Object.defineProperty(model.prototype, this.name, {
      configurable: true,
      enumerable: false,
      get(this: object): FieldFile {
        return field.fileOf(this)
      },
      set(this: object, value: unknown) {
        field.assign(this, value)
      },
    })
    if (this.deleteFileWithRow && model.meta.abstract !== true) {
      postDelete.connect((payload) => this.#deleteAfterCommit(payload), {
        sender: model,
        dispatchUid: `dorm.storage.deleteFileWithRow:${model.meta.label}.${this.name}`,
      })
    }
  }

  /**
   * The FieldFile of `instance` (created empty on first access).
   *
   * @example
   * ```ts
   * Document.fields.attachment.fileOf(doc).name
   * ```
   */
  fileOf(instance: object): FieldFile {
    let byField = files.get(instance)
    if (byField === undefined) {
      byField = new Map()
      files.set(instance, byField)
    }
    let file = byField.get(this.name)
    if (file === undefined) {
      file = new FieldFile(instance, this, null)
      byField.set(this.name, file)
    }
    return file
  }

  /**
   * Sets the file of `instance` from a storage name, a FieldFile (of any instance) or null.
   *
   * @example
   * ```ts
   * Document.fields.attachment.assign(doc, 'documents/2025/01/q1.pdf')
   * ```
   */
  assign(instance: object, value: unknown): void {
    let name: string | null
    if (value === null || value === undefined || value === '') name = null
    else if (value instanceof FieldFile) name = value.name
    else if (typeof value === 'string') name = value
    else {
      throw new TypeError(
        `${this.describe()} takes a storage name (string), a FieldFile or null, got ${typeof value}. ` +
          'To store new content, use await obj.' +
          `${this.name}.save(filename, content).`,
      )
    }
    const byField = files.get(instance) ?? new Map<string, FieldFile>()
    files.set(instance, byField)
    byField.set(this.name, new FieldFile(instance, this, name))
  }

  override deconstruct() {
    const { storage, deleteFileWithRow, ...options } = this.options as FileFieldOptions
    void deleteFileWithRow
    const kept: Record<string, unknown> = { ...options, maxLength: this.maxLength }
    // a function cannot be written into a migration; only the database shape matters there
    if (typeof options.uploadTo !== 'string') delete kept.uploadTo
    if (typeof storage === 'string') kept.storage = storage
    return { kind: this.kind, options: kept as FieldOptions<FieldFile> }
  }

  #deleteAfterCommit(payload: DeletePayload): void {
    const name = this.fileOf(payload.instance as object).name
    if (name === null) return
    const storage = this.storage
    const where = this.describe()
    onCommit(
      () =>
        storage.delete(name).catch((err: unknown) => {
          logger.log(
            'WARNING',
            `${where}: the row was deleted but its file '${name}' could not be: ${err instanceof Error ? err.message : String(err)}`,
            { field: where, name },
            err,
          )
        }),
      { using: payload.using },
    )
  }
}

function isStorage(value: unknown): value is Storage {
  const s = value as Partial<Storage> | null
  return (
    s !== null &&
    typeof s === 'object' &&
    ['save', 'open', 'delete', 'exists', 'size', 'url'].every(
      (m) => typeof (s as Record<string, unknown>)[m] === 'function',
    )
  )
}
