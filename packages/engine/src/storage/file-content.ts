/**
 * What `save()` accepts as content, and the one stream every backend reads it from. Streams are
 * passed through untouched (with their backpressure), so a large upload never sits in memory.
 */
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { StorageError } from './storage-errors.js'

/**
 * File content: bytes or text in memory, a Node `Readable`, a web `ReadableStream`, a `Blob` /
 * `File` (from `request.formData()`), or any (async) iterable of chunks.
 *
 * @example
 * ```ts
 * await storage.save('a.txt', 'hello')
 * await storage.save('b.bin', createReadStream('/tmp/b.bin'))
 * await storage.save('c.png', (await request.formData()).get('upload') as File)
 * ```
 */
export type FileContent =
  | string
  | Uint8Array
  | Readable
  | Blob
  | WebReadableStream<Uint8Array>
  | globalThis.ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array>

/**
 * `content` as a Node `Readable` of bytes; throws `StorageError` (code `INVALID_FILE_CONTENT`) for
 * anything else.
 *
 * @example
 * ```ts
 * await pipeline(contentStream(content), createWriteStream(path))
 * ```
 */
export function contentStream(content: FileContent): Readable {
  if (typeof content === 'string') return Readable.from([Buffer.from(content, 'utf8')])
  if (content instanceof Uint8Array) return Readable.from([content])
  if (content instanceof Readable) return content
  if (typeof Blob !== 'undefined' && content instanceof Blob) {
    return Readable.fromWeb(content.stream() as unknown as WebReadableStream<Uint8Array>)
  }
  if (isWebStream(content)) return Readable.fromWeb(content as WebReadableStream<Uint8Array>)
  if (
    content !== null &&
    typeof content === 'object' &&
    (Symbol.asyncIterator in content || Symbol.iterator in content)
  ) {
    return Readable.from(content as AsyncIterable<Uint8Array>, { objectMode: false })
  }
  throw new StorageError(
    `Cannot save ${describe(content)} as file content. Pass a string, a Buffer / Uint8Array, a Readable, ` +
      'a web ReadableStream, a Blob / File, or an (async) iterable of Uint8Array chunks.',
    { code: 'INVALID_FILE_CONTENT' },
  )
}

function isWebStream(value: unknown): boolean {
  return (
    value !== null && typeof value === 'object' && typeof (value as { getReader?: unknown }).getReader === 'function'
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`
  return `a ${typeof value}`
}
