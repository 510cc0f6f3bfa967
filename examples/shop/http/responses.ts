/**
 * JSON responses and the errors handlers throw to answer with a status: one place decides how an
 * error becomes a response, so every route answers bad input the same way (400 naming the field).
 *
 * @example
 * ```ts
 * if (!Number.isInteger(id)) throw new HttpError(400, 'id must be a positive integer, got "abc"', 'id')
 * sendJson(res, 200, { ok: true })
 * ```
 */
import type { ServerResponse } from 'node:http'

/** An error that answers with `status` and `{ error, field? }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (value === Number.POSITIVE_INFINITY) return null
  return value
}

/**
 * Writes `body` as JSON with `status` (bigints as numbers).
 *
 * @example
 * ```ts
 * sendJson(res, 201, order)
 * ```
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, replacer)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/**
 * A 400 saying which field is wrong and how to fix it.
 *
 * @example
 * ```ts
 * throw badRequest('quantity', 'lines[0].quantity must be an integer from 1 to 100, got 0')
 * ```
 */
export function badRequest(field: string, message: string): HttpError {
  return new HttpError(400, message, field)
}

/**
 * A 404 naming what was not found.
 *
 * @example
 * ```ts
 * throw notFound('product 42 does not exist')
 * ```
 */
export function notFound(message: string): HttpError {
  return new HttpError(404, message)
}
