/**
 * Files in an S3 bucket (AWS, or MinIO / R2 / any S3-compatible store through `endpoint`). The AWS
 * SDK is loaded on first use. Credentials come from the standard AWS chain (IAM role, environment,
 * ~/.aws) unless given explicitly; uploads stream through the SDK's managed uploader, which
 * switches to a multipart upload past one part (`partSize`, 8 MiB by default), so memory stays at
 * about `partSize * queueSize` whatever the file size.
 */
import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import { ImproperlyConfigured } from '../errors.js'
import { contentStream, type FileContent } from './file-content.js'
import { loadPresigner, loadS3, loadUploader } from './s3-sdk.js'
import type { Storage, StorageSaveOptions } from './storage.js'
import { FileNotFound, StorageError, SuspiciousFileOperation } from './storage-errors.js'
import { checkName, cleanName, findAvailableName, getValidName } from './storage-names.js'

/** Options of {@link S3Storage}. */
export interface S3StorageOptions {
  bucket: string
  /** AWS region; default the SDK's chain (AWS_REGION, ~/.aws/config). */
  region?: string
  /** Endpoint of an S3-compatible store (`http://localhost:9000` for MinIO). */
  endpoint?: string
  /** Path-style addressing (`endpoint/bucket/key`); default true when `endpoint` is set. */
  forcePathStyle?: boolean
  /** Key prefix every name is stored under (`media` -> `media/<name>`). */
  location?: string
  /** CDN host name: `url()` returns `https://<customDomain>/<key>`, unsigned. */
  customDomain?: string
  /** Whether `url()` returns a presigned URL (default true; ignored with `customDomain`). */
  querystringAuth?: boolean
  /** Lifetime of presigned URLs in seconds, 1..604800. Default 3600. */
  querystringExpire?: number
  /** Canned ACL of uploaded objects; default `'private'`. `null` sends none (buckets with ACLs disabled). */
  defaultAcl?: string | null
  /** Overwrite an existing key instead of picking a free name. Default false. */
  fileOverwrite?: boolean
  /** Explicit credentials: for local development and MinIO only; production uses the AWS chain. */
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
  /** Size of each multipart part in bytes (min 5 MiB). Default 8 MiB. */
  partSize?: number
  /** Parts uploaded at once. Default 4. */
  queueSize?: number
  /** Extra PutObject parameters for every upload (`CacheControl`, `ServerSideEncryption`, ...). */
  objectParameters?: Record<string, unknown>
  /** A ready client (custom middleware, tests); the connection options above are then ignored. */
  client?: S3Client
}

const MIB = 1024 * 1024
const MAX_PRESIGN_SECONDS = 604_800
const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.csv': 'text/csv',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
}

/**
 * A storage in an S3 bucket.
 *
 * @example
 * ```ts
 * const storage = new S3Storage({ bucket: 'uploads', region: 'eu-west-1', location: 'media' })
 * const name = await storage.save('reports/q1.pdf', createReadStream('q1.pdf'))
 * await storage.url(name) // presigned, valid for an hour
 * ```
 */
export class S3Storage implements Storage {
  readonly bucket: string
  readonly location: string
  readonly customDomain: string | undefined
  readonly querystringAuth: boolean
  readonly querystringExpire: number
  readonly defaultAcl: string | null
  readonly fileOverwrite: boolean
  readonly endpoint: string | undefined
  readonly #options: S3StorageOptions
  #client: Promise<S3Client> | undefined

  constructor(options: S3StorageOptions) {
    if (
      options === null ||
      typeof options !== 'object' ||
      typeof options.bucket !== 'string' ||
      options.bucket === ''
    ) {
      throw new ImproperlyConfigured(
        "S3Storage needs OPTIONS.bucket, the bucket name. Use e.g. { BACKEND: 's3', OPTIONS: { bucket: 'my-uploads' } }.",
      )
    }
    const expire = options.querystringExpire ?? 3600
    if (!Number.isInteger(expire) || expire < 1 || expire > MAX_PRESIGN_SECONDS) {
      throw new ImproperlyConfigured(
        `S3Storage querystringExpire must be an integer number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (7 days), ` +
          `got ${JSON.stringify(options.querystringExpire)}. The default 3600 (one hour) suits most links.`,
      )
    }
    if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
      throw new ImproperlyConfigured(
        'S3Storage got only one of accessKeyId / secretAccessKey. Give both, or neither to use the AWS credential chain.',
      )
    }
    if (options.partSize !== undefined && (!Number.isInteger(options.partSize) || options.partSize < 5 * MIB)) {
      throw new ImproperlyConfigured(
        `S3Storage partSize must be an integer of at least 5 MiB (${5 * MIB}), got ${options.partSize}.`,
      )
    }
    this.#options = { ...options }
    this.bucket = options.bucket
    this.location = (options.location ?? '').replace(/^\/+|\/+$/g, '')
    this.customDomain = options.customDomain?.replace(/^https?:\/\//, '').replace(/\/+$/, '') || undefined
    this.querystringAuth = options.querystringAuth ?? true
    this.querystringExpire = expire
    this.defaultAcl = options.defaultAcl === undefined ? 'private' : options.defaultAcl
    this.fileOverwrite = options.fileOverwrite ?? false
    this.endpoint = options.endpoint?.replace(/\/+$/, '')
  }

  getValidName(name: string): string {
    return getValidName(name)
  }

  getAvailableName(name: string, maxLength?: number): Promise<string> {
    const clean = cleanName(name)
    if (this.fileOverwrite) return findAvailableName(clean, { maxLength, exists: async () => false })
    return findAvailableName(clean, { maxLength, exists: (n) => this.exists(n) })
  }

  async save(name: string, content: FileContent, options: StorageSaveOptions = {}): Promise<string> {
    const body = contentStream(content)
    try {
      const available = await this.getAvailableName(name, options.maxLength)
      const key = this.key(available)
      const [{ Upload }, client] = await Promise.all([loadUploader(), this.client()])
      const params: Record<string, unknown> = {
        ContentType: CONTENT_TYPES[extensionOf(available)] ?? 'application/octet-stream',
        ...this.#options.objectParameters,
        Bucket: this.bucket,
        Key: key,
        Body: body,
      }
      if (this.defaultAcl !== null) params.ACL = this.defaultAcl
      const upload = new Upload({
        client,
        params: params as never,
        partSize: this.#options.partSize ?? 8 * MIB,
        queueSize: this.#options.queueSize ?? 4,
        leavePartsOnError: false,
      })
      await upload.done()
      return available
    } catch (err) {
      body.destroy()
      throw this.#wrap(err, 'upload', name)
    }
  }

  async open(name: string): Promise<Readable> {
    const key = this.key(checkName(name))
    const [{ GetObjectCommand }, client] = await Promise.all([loadS3(), this.client()])
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      return response.Body as Readable
    } catch (err) {
      throw this.#wrap(err, 'download', name)
    }
  }

  async delete(name: string): Promise<void> {
    const key = this.key(checkName(name))
    const [{ DeleteObjectCommand }, client] = await Promise.all([loadS3(), this.client()])
    try {
      await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
    } catch (err) {
      if (isNotFound(err)) return
      throw this.#wrap(err, 'delete', name)
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.#head(name)
      return true
    } catch (err) {
      if (err instanceof FileNotFound) return false
      throw err
    }
  }

  async size(name: string): Promise<number> {
    return (await this.#head(name)).ContentLength ?? 0
  }

  async url(name: string): Promise<string> {
    const key = this.key(checkName(name))
    if (this.customDomain !== undefined) return `https://${this.customDomain}/${encodeKey(key)}`
    if (!this.querystringAuth) {
      return `${this.endpoint ?? 'https://s3.amazonaws.com'}/${this.bucket}/${encodeKey(key)}`
    }
    const [{ GetObjectCommand }, { getSignedUrl }, client] = await Promise.all([
      loadS3(),
      loadPresigner(),
      this.client(),
    ])
    return getSignedUrl(client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.querystringExpire,
    })
  }

  /**
   * The object key of a storage name: the `location` prefix plus the name.
   *
   * @example
   * ```ts
   * new S3Storage({ bucket: 'b', location: 'media' }).key('a/b.txt') // 'media/a/b.txt'
   * ```
   */
  key(name: string): string {
    return this.location === '' ? name : `${this.location}/${name}`
  }

  /**
   * The SDK client, built on first use from the options (explicit credentials only when given).
   *
   * @example
   * ```ts
   * const client = await storage.client()
   * ```
   */
  client(): Promise<S3Client> {
    this.#client ??= this.#buildClient()
    return this.#client
  }

  async #buildClient(): Promise<S3Client> {
    const options = this.#options
    if (options.client !== undefined) return options.client
    const { S3Client } = await loadS3()
    const config: Record<string, unknown> = {}
    if (options.region !== undefined) config.region = options.region
    if (options.endpoint !== undefined) config.endpoint = options.endpoint
    config.forcePathStyle = options.forcePathStyle ?? options.endpoint !== undefined
    if (options.accessKeyId !== undefined && options.secretAccessKey !== undefined) {
      config.credentials = {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
        ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
      }
    }
    return new S3Client(config)
  }

  async #head(name: string): Promise<{ ContentLength?: number | undefined }> {
    const key = this.key(checkName(name))
    const [{ HeadObjectCommand }, client] = await Promise.all([loadS3(), this.client()])
    try {
      return await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
    } catch (err) {
      throw this.#wrap(err, 'inspect', name)
    }
  }

  #wrap(err: unknown, action: string, name: string): Error {
    if (err instanceof StorageError || err instanceof SuspiciousFileOperation || err instanceof ImproperlyConfigured) {
      return err
    }
    if (isNotFound(err)) return new FileNotFound(name, `bucket '${this.bucket}'`, { cause: err })
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    return new StorageError(
      `S3 could not ${action} '${name}' in bucket '${this.bucket}': ${detail}. Check the bucket, region, endpoint ` +
        'and that the credentials allow s3:PutObject, s3:GetObject, s3:DeleteObject and s3:ListBucket.',
      { cause: err },
    )
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
  if (e?.name === 'NoSuchBucket') return false
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 || dot < name.lastIndexOf('/') ? '' : name.slice(dot).toLowerCase()
}
