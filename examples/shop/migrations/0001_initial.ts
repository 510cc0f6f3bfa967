import {
  BigAutoField,
  CharField,
  CheckConstraint,
  DateTimeField,
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
import { CreateModel, migration } from '@dorm/engine/migrations'

export default migration({
  operations: [
    new CreateModel({
      name: 'Customer',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        name: new CharField({ maxLength: 120 }),
        email: new EmailField({ unique: true, maxLength: 254 }),
        createdAt: new DateTimeField({ autoNowAdd: true }),
      },
      options: { ordering: ['name'] },
    }),
    new CreateModel({
      name: 'Category',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        name: new CharField({ maxLength: 80 }),
        slug: new SlugField({ maxLength: 80, unique: true }),
      },
      options: { ordering: ['name'] },
    }),
    new CreateModel({
      name: 'Tag',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        name: new CharField({ maxLength: 40, unique: true }),
      },
      options: { ordering: ['name'] },
    }),
    new CreateModel({
      name: 'Product',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        category: new ForeignKey('shop.Category', { onDelete: 'PROTECT', relatedName: 'products' }),
        name: new CharField({ maxLength: 120 }),
        slug: new SlugField({ maxLength: 120, unique: true }),
        priceCents: new IntegerField(),
        stock: new IntegerField({ default: 0 }),
        image: new FileField({ uploadTo: 'products/%Y/%m', null: true, blank: true, maxLength: 255 }),
        tags: new ManyToManyField('shop.Tag', { relatedName: 'products' }),
      },
      options: {
        ordering: ['name'],
        indexes: [new Index({ fields: ['category', 'name'], name: 'shop_product_category_name_idx' })],
        constraints: [
          new CheckConstraint({ check: 'stock >= 0', name: 'shop_product_stock_nonnegative' }),
          new CheckConstraint({ check: 'price_cents >= 0', name: 'shop_product_price_nonnegative' }),
        ],
      },
    }),
    new CreateModel({
      name: 'Order',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        customer: new ForeignKey('shop.Customer', { onDelete: 'PROTECT', relatedName: 'orders' }),
        idempotencyKey: new CharField({ maxLength: 64 }),
        status: new CharField({
          maxLength: 16,
          choices: [
            ['placed', 'placed'],
            ['paid', 'paid'],
            ['shipped', 'shipped'],
          ],
          default: 'placed',
        }),
        createdAt: new DateTimeField({ autoNowAdd: true }),
      },
      options: {
        ordering: ['-createdAt'],
        indexes: [new Index({ fields: ['customer', 'createdAt'], name: 'shop_order_customer_created_idx' })],
        constraints: [new UniqueConstraint({ fields: ['idempotencyKey'], name: 'shop_order_idempotency_key_uniq' })],
      },
    }),
    new CreateModel({
      name: 'OrderLine',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        order: new ForeignKey('shop.Order', { onDelete: 'CASCADE', relatedName: 'lines' }),
        product: new ForeignKey('shop.Product', { onDelete: 'PROTECT', relatedName: 'orderLines' }),
        quantity: new IntegerField(),
        unitPriceCents: new IntegerField(),
      },
      options: {
        constraints: [
          new UniqueConstraint({ fields: ['order', 'product'], name: 'shop_orderline_order_product_uniq' }),
          new CheckConstraint({ check: 'quantity > 0', name: 'shop_orderline_quantity_positive' }),
        ],
      },
    }),
    new CreateModel({
      name: 'Review',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        product: new ForeignKey('shop.Product', { onDelete: 'CASCADE', relatedName: 'reviews' }),
        customer: new ForeignKey('shop.Customer', { onDelete: 'CASCADE', relatedName: 'reviews' }),
        rating: new SmallIntegerField(),
        body: new TextField({ default: '' }),
        createdAt: new DateTimeField({ autoNowAdd: true }),
      },
      options: {
        ordering: ['-createdAt'],
        constraints: [new CheckConstraint({ check: 'rating BETWEEN 1 AND 5', name: 'shop_review_rating_range' })],
      },
    }),
  ],
})
