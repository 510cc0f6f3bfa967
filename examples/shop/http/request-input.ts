/**
 * Reading request input: the body with a size cap (a client cannot make the server buffer
 * unbounded data), JSON bodies, and integer parameters, each failing with a 400 naming the field.
 *
 * @example
 * ```ts
 * const body = await readJson(req)
 * const page = intParam(url.searchParams.get('page'), 'page', { min: 1, fallback: 1 })
 * ```
 */
import type { IncomingMessage } from 'node:http'
import { badRequest, HttpError } from './responses.js'

/** Largest JSON body accepted. */
export const MAX_JSON_BYTES = 64 * 1024
/** Largest upload accepted (product images). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024

/**
 * The whole body, refused with 413 past `maxBytes` (also when Content-Length announces more).
 *
 * @example
 * ```ts
 * const bytes = await readBody(req, MAX_UPLOAD_BYTES)
 * ```
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length'])
  const tooLarge = () =>
    new HttpError(413, `request body is larger than ${maxBytes} bytes; send at most ${maxBytes} bytes`, 'body')
  if (Number.isFinite(announced) && announced > maxBytes) throw tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > maxBytes) {
      req.resume()
      throw tooLarge()
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * The body parsed as a JSON object (400 when it is not one).
 *
 * @example
 * ```ts
 * const { customer_id } = await readJson(req)
 * ```
 */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, MAX_JSON_BYTES)).toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badRequest('body', 'body must be JSON, e.g. {"customer_id": 1, "lines": [{"product_id": 2, "quantity": 1}]}')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('body', 'body must be a JSON object, e.g. {"customer_id": 1, "lines": [...]}')
  }
  return parsed as Record<string, unknown>
}

/**
 * An integer from `value` (a JSON value or a query-string value) within `[min, max]`.
 *
 * @example
 * ```ts
 * integerInput(body.customer_id, 'customer_id', { min: 1 }) // 400 "customer_id must be an integer >= 1, got "x""
 * ```
 */
export function integerInput(
  value: unknown,
  field: string,
  { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`
    throw badRequest(field, `${field} must be an integer ${range}, got ${JSON.stringify(value) ?? 'nothing'}`)
  }
  return number
}

/**
 * An optional query-string integer: `fallback` when absent.
 *
 * @example
 * ```ts
 * intParam(url.searchParams.get('page'), 'page', { min: 1, fallback: 1 })
 * ```
 */
export function intParam(
  raw: string | null,
  field: string,
  options: { min?: number; max?: number; fallback: number },
): number {
  if (raw === null || raw === '') return options.fallback
  return integerInput(raw, field, options)
}
