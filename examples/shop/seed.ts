/**
 * Demo data: `node --import tsx examples/shop/seed.ts`. Idempotent: when customers exist it does
 * nothing. Prints one JSON line to stdout either way. Needs the migrations applied first
 * (`cd examples/shop && npx dorm migrate`).
 *
 * @example
 * ```sh
 * node --import tsx examples/shop/seed.ts   # {"event":"seed","created":true,"customers":20,...}
 * ```
 */
import { atomic, closeAll, configure, describeError } from '@dorm/engine'
import { pendingMigrations } from './database.js'
import { Category, Customer, Order, OrderLine, Product, Review, Tag } from './models.js'
import { setupObservability } from './observability.js'
import { PRIMARY, shopSettings } from './settings.js'

const CATEGORIES = [
  ['Garden', 'garden'],
  ['Kitchen', 'kitchen'],
  ['Books', 'books'],
  ['Outdoor', 'outdoor'],
] as const
const TAGS = ['new', 'sale', 'eco', 'bestseller', 'gift']
const PRODUCTS_PER_CATEGORY = 8
const CUSTOMERS = 20
const ORDERS = 30
/** Units of each product: enough for days of `npm start` traffic before orders meet 409 (out of stock). */
const STOCK = 100_000

async function seed(): Promise<Record<string, unknown>> {
  setupObservability(process.env)
  configure(shopSettings(process.env))
  const pending = await pendingMigrations()
  if (pending.length > 0) {
    throw new Error(
      `migrations not applied (${pending.join(', ')}): run \`cd examples/shop && npx dorm migrate\` first`,
    )
  }
  const existing = await Customer.objects.using(PRIMARY).count()
  if (existing > 0) return { event: 'seed', created: false, customers: existing }

  return atomic(
    async () => {
      const categories = await Category.objects.bulkCreate(CATEGORIES.map(([name, slug]) => ({ name, slug })))
      const tags = await Tag.objects.bulkCreate(TAGS.map((name) => ({ name })))
      const products = await Product.objects.bulkCreate(
        categories.flatMap((category, c) =>
          Array.from({ length: PRODUCTS_PER_CATEGORY }, (_, i) => ({
            category,
            name: `${category.name} item ${i + 1}`,
            slug: `${category.slug}-item-${i + 1}`,
            priceCents: 499 + ((c * 7 + i * 13) % 40) * 100,
            stock: STOCK,
          })),
        ),
      )
      for (const [i, product] of products.entries()) {
        await product.tags.set([tags[i % tags.length] as Tag, tags[(i * 3 + 1) % tags.length] as Tag])
      }
      const customers = await Customer.objects.bulkCreate(
        Array.from({ length: CUSTOMERS }, (_, i) => ({
          name: `Customer ${i + 1}`,
          email: `customer${i + 1}@shop.test`,
        })),
      )
      for (let i = 0; i < ORDERS; i++) {
        const customer = customers[i % customers.length] as Customer
        const picked = [products[(i * 5) % products.length], products[(i * 11 + 3) % products.length]] as Product[]
        const unique = [...new Map(picked.map((p) => [p.id, p])).values()]
        const lines = unique.map((product, n) => ({ product, quantity: 1 + ((i + n) % 3) }))
        const totalCents = lines.reduce((sum, l) => sum + l.product.priceCents * l.quantity, 0)
        const order = await Order.objects.create({ customer, idempotencyKey: `seed-${i + 1}`, totalCents })
        await OrderLine.objects.bulkCreate(
          lines.map((l) => ({ order, product: l.product, quantity: l.quantity, unitPriceCents: l.product.priceCents })),
        )
      }
      await Review.objects.bulkCreate(
        products.slice(0, 16).map((product, i) => ({
          product,
          customer: customers[i % customers.length] as Customer,
          rating: 1 + (i % 5),
          body: `Review ${i + 1}`,
        })),
      )
      return {
        event: 'seed',
        created: true,
        customers: customers.length,
        categories: categories.length,
        products: products.length,
        orders: ORDERS,
      }
    },
    { using: PRIMARY },
  )
}

try {
  process.stdout.write(`${JSON.stringify(await seed())}\n`)
  await closeAll()
} catch (err) {
  process.stderr.write(`seed: ${err instanceof Error && !('code' in err) ? err.message : describeError(err)}\n`)
  await closeAll().catch(() => undefined)
  process.exit(1)
}
