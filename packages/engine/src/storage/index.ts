/**
 * `@dorm/engine/storage`: file storages and the FileField that writes through them.
 *
 * @example
 * ```ts
 * import { getStorage, FileSystemStorage, S3Storage } from '@dorm/engine/storage'
 * const name = await getStorage().save('hello.txt', 'hi')
 * ```
 */
export { FieldFile, type FieldFileSaveOptions, type FileFieldLike } from './field-file.js'
export { contentStream, type FileContent } from './file-content.js'
export { FileField, type FileFieldOptions } from './file-field.js'
export { FileSystemStorage, type FileSystemStorageOptions } from './filesystem-storage.js'
export { S3Storage, type S3StorageOptions } from './s3-storage.js'
export type { Storage, StorageSaveOptions } from './storage.js'
export { FileNotFound, StorageError, SuspiciousFileOperation } from './storage-errors.js'
export { checkName, cleanName, findAvailableName, getValidName, splitName } from './storage-names.js'
export { buildStorage, getStorage, resetStorages, type StorageSettings } from './storage-registry.js'
export { checkUploadTo, formatDateTemplate, resolveUploadTo, type UploadTo } from './upload-to.js'
