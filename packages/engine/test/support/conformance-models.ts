/**
 * Models of the query-API conformance suite (app label `conf`): writers and their titles (a
 * required and a nullable ForeignKey, dates, floats), counters with a unique name (races, row
 * locks, F updates), items with a unique sku (bulk writes), a text table for fuzzed strings and a
 * wide-ish table for streaming.
 */
import {
  BooleanField,
  CharField,
  DateField,
  DateTimeField,
  defineModel,
  FloatField,
  ForeignKey,
  IntegerField,
  TextField,
} from '../../src/index.js'

export const Writer = defineModel('conf.Writer', {
  fields: {
    name: new CharField({ maxLength: 100 }),
    age: new IntegerField({ default: 0 }),
    email: new CharField({ maxLength: 254, null: true, unique: true }),
    born: new DateField({ null: true }),
  },
  meta: { ordering: ['name'] },
})

export const Title = defineModel('conf.Title', {
  fields: {
    title: new CharField({ maxLength: 200 }),
    writer: new ForeignKey(() => Writer, { onDelete: 'CASCADE', relatedName: 'titles' }),
    editor: new ForeignKey(() => Writer, { onDelete: 'SET_NULL', null: true, relatedName: 'edited' }),
    pages: new IntegerField({ default: 0 }),
    minPages: new IntegerField({ default: 0 }),
    rating: new FloatField({ null: true }),
    inPrint: new BooleanField({ default: true }),
    publishedAt: new DateTimeField({ null: true }),
  },
})

export const Counter = defineModel('conf.Counter', {
  fields: {
    name: new CharField({ maxLength: 50, unique: true }),
    value: new IntegerField({ default: 0 }),
    note: new CharField({ maxLength: 50, default: '' }),
  },
})

export const Item = defineModel('conf.Item', {
  fields: {
    sku: new CharField({ maxLength: 40, unique: true }),
    label: new CharField({ maxLength: 100, default: '' }),
    qty: new IntegerField({ default: 0 }),
    price: new FloatField({ default: 0 }),
  },
})

export const Blob = defineModel('conf.Blob', {
  fields: {
    body: new TextField(),
    tag: new CharField({ maxLength: 20, default: '' }),
  },
})

export const Row = defineModel('conf.Row', {
  fields: {
    n: new IntegerField(),
    grp: new IntegerField({ default: 0 }),
    payload: new CharField({ maxLength: 200, default: '' }),
  },
})

export const CONF_MODELS = [Writer, Title, Counter, Item, Blob, Row]
