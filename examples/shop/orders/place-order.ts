/**
 * Placing an order exactly once (the seed's "Wrap must-succeed sequences ... with idempotency
 * keys"; docs/orm.md "Transactions"):
 *
 * 1. a key already stored answers with that order (a replay): 200, or 409 if the body differs;
 * 2. otherwise, in one `atomic()` block on the primary: lock the products (`selectForUpdate`, in id
 *    order so two orders never deadlock), check the customer and the stock, create the order and
 *    its lines, decrement the stock; `onCommit` counts the order only once it is committed;
 * 3. two requests racing with the same key: the unique constraint on the key lets one insert win;
 *    the loser's transaction rolls back (its stock changes too) and it answers with the winner.
 *
 * @example
 * ```ts
 * const { order, created } = await placeOrder(input, 'checkout-7f3a')
 * ```
 */
import { atomic, F, getLogger, IntegrityError, onCommit } from '@dorm/engine'
import { HttpError } from '../http/responses.js'
import { Customer, Order, OrderLine, Product } from '../models.js'
import { observability } from '../observability.js'
import { PRIMARY } from '../settings.js'
import type { OrderInput } from './order-input.js'

const logger = getLogger('shop.orders')

/** What placing an order gave. */
export interface PlacedOrder {
  order: Order
  lines: OrderLine[]
  /** False for a replay: the order existed already. */
  created: boolean
}

async function existing(key: string, input: OrderInput): Promise<PlacedOrder | null> {
  // the primary, explicitly: a replica a second behind must not miss the first order
  const order = await Order.objects.using(PRIMARY).filter({ idempotencyKey: key }).first()
  if (order === null) return null
  const lines = await OrderLine.objects.using(PRIMARY).filter({ order }).orderBy('product')
  const same =
    Number(order.customerId) === input.customerId &&
    lines.length === input.lines.length &&
    lines.every((l, i) => Number(l.productId) === input.lines[i]?.productId && l.quantity === input.lines[i]?.quantity)
  if (!same) {
    throw new HttpError(
      409,
      `Idempotency-Key "${key}" was already used for order ${order.id} with a different body; use a new key for a new order`,
      'Idempotency-Key',
    )
  }
  return { order, lines, created: false }
}

async function create(key: string, input: OrderInput): Promise<PlacedOrder> {
  return atomic(
    async () => {
      const ids = input.lines.map((line) => line.productId)
      const products = await Product.objects.using(PRIMARY).selectForUpdate().filter({ pk__in: ids }).orderBy('id')
      const customer = await Customer.objects.using(PRIMARY).getOrNone({ pk: input.customerId })
      if (customer === null) {
        throw new HttpError(400, `customer_id ${input.customerId} does not exist`, 'customer_id')
      }
      const byId = new Map(products.map((product) => [Number(product.id), product]))
      let totalCents = 0
      input.lines.forEach((line, i) => {
        const product = byId.get(line.productId)
        if (product === undefined) {
          throw new HttpError(400, `lines[${i}].product_id ${line.productId} does not exist`, `lines[${i}].product_id`)
        }
        if (product.stock < line.quantity) {
          throw new HttpError(
            409,
            `product ${line.productId} has ${product.stock} in stock, ${line.quantity} asked; order less`,
            `lines[${i}].quantity`,
          )
        }
        totalCents += product.priceCents * line.quantity
      })
      const order = await Order.objects.create({ customer, idempotencyKey: key, totalCents })
      const lines = await OrderLine.objects.bulkCreate(
        input.lines.map((line) => {
          const product = byId.get(line.productId) as Product
          return { order, product, quantity: line.quantity, unitPriceCents: product.priceCents }
        }),
      )
      for (const line of input.lines) {
        await Product.objects.filter({ pk: line.productId }).update({ stock: F('stock').sub(line.quantity) })
      }
      onCommit(() => {
        observability().ordersCreated.inc()
        logger.info('order placed', { order_id: order.id, total_cents: totalCents, lines: lines.length })
      })
      return { order, lines, created: true }
    },
    { using: PRIMARY },
  )
}

/**
 * Places the order of `input` under `key`, or returns the order already placed under it.
 *
 * @example
 * ```ts
 * const first = await placeOrder(input, 'k1') // created: true
 * const again = await placeOrder(input, 'k1') // created: false, same order id
 * ```
 */
export async function placeOrder(input: OrderInput, key: string): Promise<PlacedOrder> {
  const replay = await existing(key, input)
  if (replay !== null) return replay
  try {
    return await create(key, input)
  } catch (err) {
    // a concurrent request with the same key committed first: answer with its order
    if (err instanceof IntegrityError) {
      const winner = await existing(key, input)
      if (winner !== null) return winner
    }
    throw err
  }
}
