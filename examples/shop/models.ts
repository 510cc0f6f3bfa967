/**
 * The shop's models (app label `shop`, tables `shop_<model>`): customers buy products of a category
 * through orders made of order lines, and review what they bought. Declared once with typed fields
 * as docs/orm.md "Defining models" recommends; `npx dorm makemigrations` turns changes into files
 * under `migrations/`.
 *
 * @example
 * ```ts
 * import { Product } from './models.js'
 * const cheap = await Product.objects.filter({ priceCents__lt: 1000 }).selectRelated('category').limit(10)
 * ```
 */
import {
  CharField,
  CheckConstraint,
  DateTimeField,
  defineModel,
  EmailField,
  FileField,
  ForeignKey,
  Index,
  IntegerField,
  ManyToManyField,
  SlugField,
  SmallIntegerField,
  TextField,
  UniqueConstraint,
} from '@dorm/engine'

/** Someone who places orders. */
export const Customer = defineModel('shop.Customer', {
  fields: {
    name: new CharField({ maxLength: 120 }),
    email: new EmailField({ unique: true }),
    createdAt: new DateTimeField({ autoNowAdd: true }),
  },
  meta: { ordering: ['name'] },
})
export type Customer = InstanceType<typeof Customer>

/** A shelf of the shop; `/products?category=<slug>` filters on it. */
export const Category = defineModel('shop.Category', {
  fields: {
    name: new CharField({ maxLength: 80 }),
    slug: new SlugField({ maxLength: 80, unique: true }),
  },
  meta: { ordering: ['name'] },
})
export type Category = InstanceType<typeof Category>

/** A free label on products (the many-to-many side of Product). */
export const Tag = defineModel('shop.Tag', {
  fields: {
    name: new CharField({ maxLength: 40, unique: true }),
  },
  meta: { ordering: ['name'] },
})
export type Tag = InstanceType<typeof Tag>

/** Something for sale. Prices are integer cents; the image bytes live in STORAGES (docs/storage.md). */
export const Product = defineModel('shop.Product', {
  fields: {
    category: new ForeignKey(() => Category, { onDelete: 'PROTECT', relatedName: 'products' }),
    name: new CharField({ maxLength: 120 }),
    slug: new SlugField({ maxLength: 120, unique: true }),
    priceCents: new IntegerField(),
    stock: new IntegerField({ default: 0 }),
    // docs/storage.md "FileField": a name in the row, the bytes in the storage, dated folders
    image: new FileField({ uploadTo: 'products/%Y/%m', null: true, blank: true }),
    tags: new ManyToManyField(() => Tag, { relatedName: 'products' }),
  },
  meta: {
    ordering: ['name'],
    indexes: [new Index({ fields: ['category', 'name'], name: 'shop_product_category_name_idx' })],
    constraints: [
      new CheckConstraint({ check: 'stock >= 0', name: 'shop_product_stock_nonnegative' }),
      new CheckConstraint({ check: 'price_cents >= 0', name: 'shop_product_price_nonnegative' }),
    ],
  },
})
export type Product = InstanceType<typeof Product>

/** The states an order goes through. */
export const ORDER_STATUSES = [
  ['placed', 'placed'],
  ['paid', 'paid'],
  ['shipped', 'shipped'],
] as const

/**
 * An order. `idempotencyKey` carries the client's `Idempotency-Key` header under a unique
 * constraint, so a replayed POST /orders finds the first order instead of creating a second one.
 */
export const Order = defineModel('shop.Order', {
  fields: {
    customer: new ForeignKey(() => Customer, { onDelete: 'PROTECT', relatedName: 'orders' }),
    idempotencyKey: new CharField({ maxLength: 64 }),
    status: new CharField({ maxLength: 16, choices: ORDER_STATUSES, default: 'placed' }),
    createdAt: new DateTimeField({ autoNowAdd: true }),
    // expand/backfill/contract (docs/migrations.md, DORM-M013): 0002 added it nullable, 0003
    // backfilled it in chunks, 0004-0006 made it NOT NULL without a scan under ACCESS EXCLUSIVE
    totalCents: new IntegerField(),
  },
  meta: {
    ordering: ['-createdAt'],
    indexes: [new Index({ fields: ['customer', 'createdAt'], name: 'shop_order_customer_created_idx' })],
    constraints: [new UniqueConstraint({ fields: ['idempotencyKey'], name: 'shop_order_idempotency_key_uniq' })],
  },
})
export type Order = InstanceType<typeof Order>

/** One product of an order, at the price it had when ordered. */
export const OrderLine = defineModel('shop.OrderLine', {
  fields: {
    order: new ForeignKey(() => Order, { onDelete: 'CASCADE', relatedName: 'lines' }),
    product: new ForeignKey(() => Product, { onDelete: 'PROTECT', relatedName: 'orderLines' }),
    quantity: new IntegerField(),
    unitPriceCents: new IntegerField(),
  },
  meta: {
    constraints: [
      new UniqueConstraint({ fields: ['order', 'product'], name: 'shop_orderline_order_product_uniq' }),
      new CheckConstraint({ check: 'quantity > 0', name: 'shop_orderline_quantity_positive' }),
    ],
  },
})
export type OrderLine = InstanceType<typeof OrderLine>

/** A customer's opinion of a product, 1 to 5 stars. */
export const Review = defineModel('shop.Review', {
  fields: {
    product: new ForeignKey(() => Product, { onDelete: 'CASCADE', relatedName: 'reviews' }),
    customer: new ForeignKey(() => Customer, { onDelete: 'CASCADE', relatedName: 'reviews' }),
    rating: new SmallIntegerField(),
    body: new TextField({ default: '' }),
    createdAt: new DateTimeField({ autoNowAdd: true }),
  },
  meta: {
    ordering: ['-createdAt'],
    constraints: [new CheckConstraint({ check: 'rating BETWEEN 1 AND 5', name: 'shop_review_rating_range' })],
  },
})
export type Review = InstanceType<typeof Review>
