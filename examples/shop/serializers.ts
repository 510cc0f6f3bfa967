/**
 * Model instances → the JSON the API answers with (snake_case keys, as dorm's own JSON payloads).
 *
 * @example
 * ```ts
 * sendJson(res, 200, await productJson(product))
 * ```
 */
import type { Order, OrderLine, Product } from './models.js'

/** A product as listed (its category must be loaded with selectRelated). */
export async function productJson(product: Product): Promise<Record<string, unknown>> {
  return {
    id: product.id,
    name: product.name,
    slug: product.slug,
    price_cents: product.priceCents,
    stock: product.stock,
    category: { id: product.category.id, name: product.category.name, slug: product.category.slug },
    image: product.image.hasFile ? { name: product.image.name, url: await product.image.url } : null,
  }
}

/** An order line. */
export function orderLineJson(line: OrderLine): Record<string, unknown> {
  return {
    product_id: line.productId,
    quantity: line.quantity,
    unit_price_cents: line.unitPriceCents,
  }
}

/** An order with its lines. */
export function orderJson(order: Order, lines: readonly OrderLine[]): Record<string, unknown> {
  return {
    id: order.id,
    customer_id: order.customerId,
    status: order.status,
    idempotency_key: order.idempotencyKey,
    total_cents: order.totalCents,
    created_at: order.createdAt,
    lines: [...lines].sort((a, b) => Number(a.productId) - Number(b.productId)).map(orderLineJson),
  }
}
