/**
 * Lazy loading of the AWS SDK, an optional peer dependency: an application that never configures
 * S3 never loads (or needs) `@aws-sdk/*`. Each module is imported on first use and cached.
 */
import { ImproperlyConfigured } from '../errors.js'

/** `@aws-sdk/client-s3`. */
export type S3Module = typeof import('@aws-sdk/client-s3')
/** `@aws-sdk/s3-request-presigner`. */
export type PresignerModule = typeof import('@aws-sdk/s3-request-presigner')
/** `@aws-sdk/lib-storage`. */
export type UploadModule = typeof import('@aws-sdk/lib-storage')

const cache = new Map<string, Promise<unknown>>()

function load<T>(specifier: string, what: string, importer: () => Promise<T>): Promise<T> {
  let pending = cache.get(specifier) as Promise<T> | undefined
  if (pending === undefined) {
    pending = importer().catch((err: unknown) => {
      cache.delete(specifier)
      throw new ImproperlyConfigured(
        `S3Storage needs ${specifier} for ${what}, and it could not be loaded: ` +
          `${err instanceof Error ? err.message : String(err)}. Install it next to @dorm/engine: ` +
          'npm install @aws-sdk/client-s3 @aws-sdk/s3-request-presigner @aws-sdk/lib-storage',
        { cause: err },
      )
    })
    cache.set(specifier, pending)
  }
  return pending
}

/**
 * The S3 client module.
 *
 * @example
 * ```ts
 * const { S3Client } = await loadS3()
 * ```
 */
export function loadS3(): Promise<S3Module> {
  return load('@aws-sdk/client-s3', 'every S3 call', () => import('@aws-sdk/client-s3'))
}

/**
 * The presigner (signed URLs).
 *
 * @example
 * ```ts
 * const { getSignedUrl } = await loadPresigner()
 * ```
 */
export function loadPresigner(): Promise<PresignerModule> {
  return load('@aws-sdk/s3-request-presigner', 'signed URLs', () => import('@aws-sdk/s3-request-presigner'))
}

/**
 * The managed uploader (multipart for large files).
 *
 * @example
 * ```ts
 * const { Upload } = await loadUploader()
 * ```
 */
export function loadUploader(): Promise<UploadModule> {
  return load('@aws-sdk/lib-storage', 'uploads', () => import('@aws-sdk/lib-storage'))
}
