/**
 * Validation of a POST /orders body: `{ customer_id, lines: [{ product_id, quantity }] }`. Every
 * mistake is a 400 naming the field (`lines[2].quantity`) and what a good value looks like.
 *
 * @example
 * ```ts
 * parseOrderInput({ customer_id: 1, lines: [{ product_id: 3, quantity: 2 }] })
 * // { customerId: 1, lines: [{ productId: 3, quantity: 2 }] }
 * ```
 */
import { integerInput } from '../http/request-input.js'
import { badRequest } from '../http/responses.js'

/** Most lines one order may have. */
export const MAX_LINES = 50
/** Most units of one product per order. */
export const MAX_QUANTITY = 100

/** A validated order request. */
export interface OrderInput {
  customerId: number
  lines: { productId: number; quantity: number }[]
}

/**
 * Checks and normalises a parsed JSON body (lines sorted by product id).
 *
 * @example
 * ```ts
 * parseOrderInput({ customer_id: 1, lines: [] }) // throws 400: lines must be a non-empty array ...
 * ```
 */
export function parseOrderInput(body: Record<string, unknown>): OrderInput {
  const customerId = integerInput(body.customer_id, 'customer_id', { min: 1 })
  const rawLines = body.lines
  if (!Array.isArray(rawLines) || rawLines.length === 0 || rawLines.length > MAX_LINES) {
    throw badRequest(
      'lines',
      `lines must be a non-empty array of at most ${MAX_LINES} items like {"product_id": 3, "quantity": 2}`,
    )
  }
  const seen = new Set<number>()
  const lines = rawLines.map((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw badRequest(`lines[${i}]`, `lines[${i}] must be an object like {"product_id": 3, "quantity": 2}`)
    }
    const line = raw as Record<string, unknown>
    const productId = integerInput(line.product_id, `lines[${i}].product_id`, { min: 1 })
    const quantity = integerInput(line.quantity, `lines[${i}].quantity`, { min: 1, max: MAX_QUANTITY })
    if (seen.has(productId)) {
      throw badRequest(`lines[${i}].product_id`, `lines[${i}].product_id ${productId} appears twice; merge the lines`)
    }
    seen.add(productId)
    return { productId, quantity }
  })
  lines.sort((a, b) => a.productId - b.productId)
  return { customerId, lines }
}

/**
 * The Idempotency-Key header: 1-64 printable characters; absent means a fresh random key (no
 * replay protection for that request).
 *
 * @example
 * ```ts
 * idempotencyKeyOf('checkout-7f3a') // 'checkout-7f3a'
 * ```
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined) return `auto-${crypto.randomUUID()}`
  const key = value.trim()
  if (!/^[\x21-\x7e]{1,64}$/.test(key)) {
    throw badRequest(
      'Idempotency-Key',
      'the Idempotency-Key header must be 1 to 64 printable ASCII characters without spaces, e.g. a UUID',
    )
  }
  return key
}
