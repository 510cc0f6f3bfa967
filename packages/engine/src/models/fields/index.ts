/**
 * Every model field class, re-exported so the package index and users import them from one place.
 *
 * @example
 * ```ts
 * import { CharField, DateTimeField, ForeignKey } from './models/fields/index.js'
 * ```
 */

// FileField lives with the storages it writes to; exported here so migrations can write it
export { FileField, type FileFieldOptions } from '../../storage/file-field.js'
export * from './auto-field.js'
export * from './binary-field.js'
export * from './boolean-field.js'
export * from './char-field.js'
export * from './date-time-fields.js'
export * from './decimal-field.js'
export * from './duration-field.js'
export * from './field.js'
export * from './float-field.js'
export * from './integer-field.js'
export * from './ip-address-field.js'
export * from './json-field.js'
export * from './many-to-many-field.js'
export * from './related-fields.js'
export * from './uuid-field.js'
