/** dorm models over the benchmark tables (bench/suite/schema.ts). */
import {
  BigIntegerField,
  BooleanField,
  DateTimeField,
  DecimalField,
  defineModel,
  ForeignKey,
  IntegerField,
  JSONField,
  TextField,
  UUIDField,
} from '../../packages/engine/dist/index.js'

export const User = defineModel('bench.User', {
  fields: {
    name: new TextField(),
    email: new TextField(),
    age: new IntegerField(),
    karma: new BigIntegerField(),
    active: new BooleanField(),
    joinedAt: new DateTimeField(),
    balance: new DecimalField({ maxDigits: 12, decimalPlaces: 2 }),
    settings: new JSONField(),
    token: new UUIDField(),
  },
  meta: { dbTable: 'users' },
})

export const Post = defineModel('bench.Post', {
  fields: {
    user: new ForeignKey(() => User, { onDelete: 'CASCADE', relatedName: 'posts' }),
    title: new TextField(),
    status: new TextField(),
    category: new IntegerField(),
    views: new IntegerField(),
    published: new BooleanField(),
    createdAt: new DateTimeField(),
    rating: new DecimalField({ maxDigits: 5, decimalPlaces: 2 }),
    meta: new JSONField(),
  },
  meta: { dbTable: 'posts' },
})

export const Event = defineModel('bench.Event', {
  fields: {
    userId: new BigIntegerField(),
    kind: new TextField(),
    amount: new IntegerField(),
    createdAt: new DateTimeField(),
  },
  meta: { dbTable: 'events' },
})

export const Account = defineModel('bench.Account', {
  fields: { balance: new BigIntegerField(), version: new IntegerField() },
  meta: { dbTable: 'accounts' },
})

/** The post fields every contender reads, for `values()`. */
export const POST_FIELDS = [
  'id',
  'user',
  'title',
  'status',
  'category',
  'views',
  'published',
  'createdAt',
  'rating',
  'meta',
] as const
