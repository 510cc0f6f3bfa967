/**
 * Order routes: `POST /orders` (idempotent through the `Idempotency-Key` header: 201 created,
 * 200 replayed, 400 bad input, 409 key reused for another body or not enough stock) and
 * `GET /orders/:id`.
 *
 * @example
 * ```ts
 * registerOrderRoutes(router)
 * ```
 */
import { readJson } from '../http/request-input.js'
import { notFound, sendJson } from '../http/responses.js'
import type { RouteContext, Router } from '../http/router.js'
import { Order, OrderLine } from '../models.js'
import { idempotencyKeyOf, parseOrderInput } from '../orders/order-input.js'
import { placeOrder } from '../orders/place-order.js'
import { orderJson } from '../serializers.js'
import { PRIMARY } from '../settings.js'
import { idParam } from './products.js'

async function postOrder({ req, res }: RouteContext): Promise<void> {
  const key = idempotencyKeyOf(req.headers['idempotency-key'])
  const input = parseOrderInput(await readJson(req))
  const { order, lines, created } = await placeOrder(input, key)
  res.setHeader('idempotency-key', key)
  sendJson(res, created ? 201 : 200, { ...orderJson(order, lines), replayed: !created })
}

async function getOrder(context: RouteContext): Promise<void> {
  const id = idParam(context)
  // the replica first; an order placed moments ago by another request may not be there yet
  // (replication lag), so a miss is confirmed on the primary before answering 404
  for (const alias of [undefined, PRIMARY]) {
    const orders = alias === undefined ? Order.objects.all() : Order.objects.using(alias)
    const order = await orders.getOrNone({ pk: id })
    if (order === null) continue
    const lineRows = alias === undefined ? OrderLine.objects.all() : OrderLine.objects.using(alias)
    const lines = await lineRows.filter({ order })
    sendJson(context.res, 200, orderJson(order, lines))
    return
  }
  throw notFound(`order ${id} does not exist`)
}

/**
 * Adds the order routes.
 *
 * @example
 * ```ts
 * registerOrderRoutes(new Router())
 * ```
 */
export function registerOrderRoutes(router: Router): void {
  router.add('POST', '/orders', postOrder).add('GET', '/orders/:id', getOrder)
}
