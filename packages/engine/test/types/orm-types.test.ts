/**
 * Type-level contract of models and queries: rows, inits, filters, values and aggregates are typed
 * from the field map. `tsc -p tsconfig.json --noEmit` (CI) checks this file: every
 * `// @ts-expect-error` line is a call that must NOT compile, and the expectTypeOf lines are the
 * shapes that must hold. Nothing here touches a database: calls that would run a query sit in
 * functions that are never invoked.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  CharField,
  Count,
  DateTimeField,
  defineModel,
  EmailField,
  F,
  FieldError,
  ForeignKey,
  IntegerField,
  JSONField,
  Q,
  Sum,
  TextField,
  UUIDField,
} from '../../src/index.js'

const Author = defineModel('typetests.Author', {
  fields: {
    name: new CharField({ maxLength: 100 }),
    age: new IntegerField({ default: 0 }),
    email: new EmailField({ null: true, unique: true }),
  },
})
type Author = InstanceType<typeof Author>

const Book = defineModel('typetests.Book', {
  fields: {
    title: new CharField({ maxLength: 200 }),
    author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }),
    editor: new ForeignKey(() => Author, { onDelete: 'SET_NULL', null: true, relatedName: 'edited' }),
    pages: new IntegerField({ default: 0 }),
    publishedAt: new DateTimeField({ null: true }),
    meta: new JSONField({ null: true }),
  },
})
type Book = InstanceType<typeof Book>

/** A model with its own primary key: no implicit `id`. */
const Country = defineModel('typetests.Country', {
  fields: {
    code: new CharField({ maxLength: 2, primaryKey: true }),
    name: new TextField(),
  },
})
type Country = InstanceType<typeof Country>

const Token = defineModel('typetests.Token', {
  fields: {
    key: new UUIDField({ primaryKey: true, default: () => crypto.randomUUID() }),
    label: new CharField({ maxLength: 50, default: 'unnamed' }),
  },
})
type Token = InstanceType<typeof Token>

/** Never calls `body`: holds code that is type-checked but would need a database to run. */
function typeOnly<A extends unknown[]>(_body: (...args: A) => unknown): void {}

describe('model rows', () => {
  it('types each field from its options', () => {
    expectTypeOf<Author>().not.toBeAny()
    expectTypeOf<Book>().not.toBeAny()
    expectTypeOf<Author['name']>().toEqualTypeOf<string>()
    expectTypeOf<Author['age']>().toEqualTypeOf<number>()
    expectTypeOf<Author['email']>().toEqualTypeOf<string | null>()
    expectTypeOf<Book['publishedAt']>().toEqualTypeOf<Date | null>()
    expectTypeOf<Book['pages']>().toEqualTypeOf<number>()
  })

  it('has an implicit numeric id and pk unless a field is the primary key', () => {
    expectTypeOf<Author['id']>().toEqualTypeOf<number>()
    expectTypeOf<Book['id']>().toEqualTypeOf<number>()
    expectTypeOf<Country['code']>().toEqualTypeOf<string>()
    expectTypeOf<Country>().not.toHaveProperty('id')
    expectTypeOf<Token>().not.toHaveProperty('id')
    expectTypeOf<Token['key']>().toEqualTypeOf<string>()
    expectTypeOf<Country>().toHaveProperty('pk')
    typeOnly((country: Country) => {
      // @ts-expect-error: Country declares its own primary key, so it has no `id`
      return country.id
    })
  })

  it('gives a ForeignKey the related instance and the raw key', () => {
    expectTypeOf<Book['author']>().toEqualTypeOf<Author>()
    expectTypeOf<Book['editor']>().toEqualTypeOf<Author | null>()
    expectTypeOf<Book['authorId']>().toEqualTypeOf<number | string>()
    expectTypeOf<Book['editorId']>().toEqualTypeOf<number | string | null>()
    expectTypeOf<Book['author']['name']>().toEqualTypeOf<string>()
    typeOnly((book: Book) => {
      // @ts-expect-error: the raw key is `authorId`; there is no `author_id` property
      return book.author_id
    })
  })

  it('has the instance methods', () => {
    expectTypeOf<Book['save']>().returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf<Book['refreshFromDb']>().returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf<Book['delete']>().returns.resolves.toHaveProperty('deleted')
  })
})

describe('creating instances', () => {
  it('requires the fields without defaults and accepts the others', () => {
    const ann = new Author({ name: 'Ann' })
    expectTypeOf(ann).toEqualTypeOf<Author>()
    new Author({ name: 'Ann', age: 3, email: null })
    new Book({ title: 'Dune', authorId: 1 })
    new Book({ title: 'Dune', author: ann, pages: 10, publishedAt: new Date(), editor: null })
    new Country({ code: 'NL', name: 'Netherlands' })
    new Token({})
    expect(ann.name).toBe('Ann')

    // @ts-expect-error: `name` has no default
    new Author({ age: 3 })
    // @ts-expect-error: `title` has no default
    new Book({ authorId: 1 })
    expect(
      // @ts-expect-error: `nope` is not a field (and the constructor says so at run time too)
      () => new Author({ name: 'Ann', nope: 1 }),
    ).toThrow(FieldError)
    // @ts-expect-error: `age` is a number
    new Author({ name: 'Ann', age: 'old' })
    // @ts-expect-error: `name` is not nullable
    new Author({ name: null })
    // @ts-expect-error: `name` has no default (the primary key `code` is optional, as a pk may be generated)
    new Country({ code: 'NL' })
    expect(
      // @ts-expect-error: Country declares its own primary key, so there is no `id` to give
      () => new Country({ code: 'NL', name: 'Netherlands', id: 1 }),
    ).toThrow(FieldError)
  })

  it('types create() like the constructor', () => {
    typeOnly(async () => {
      const ann = await Author.objects.create({ name: 'Ann' })
      expectTypeOf(ann).toEqualTypeOf<Author>()
      expectTypeOf(await Book.objects.create({ title: 'Dune', author: ann })).toEqualTypeOf<Book>()
      await Book.objects.create({ title: 'Dune', authorId: ann.id })
      // @ts-expect-error: `title` has no default
      await Book.objects.create({ authorId: ann.id })
      // @ts-expect-error: `nope` is not a field
      await Author.objects.create({ name: 'Ann', nope: true })
      // @ts-expect-error: `pages` is a number
      await Book.objects.create({ title: 'Dune', authorId: 1, pages: '10' })
    })
  })
})

describe('filters', () => {
  it('accepts fields, lookups typed by the field, relations, pk and Q objects', () => {
    Book.objects.filter({ pages__gte: 1 })
    Book.objects.filter({ title: 'Dune', pages: 3 })
    Book.objects.filter({ title__icontains: 'dune', title__startswith: 'D' })
    Book.objects.filter({ pages__in: [1, 2], pages__range: [1, 10], publishedAt__isnull: true })
    Book.objects.filter({ publishedAt__year: 2024, publishedAt__year__gte: 2000 })
    Book.objects.filter({ pages__gt: F('author__age') })
    Book.objects.filter({ authorId: 1 })
    Book.objects.filter({ author__name__icontains: 'le' })
    Book.objects.filter({ pk: 1 }, { id__in: [1, 2] })
    Book.objects.exclude({ pages__lt: 10 })
    Book.objects.filter(Q.or(Q({ pages__lt: 10 }), Q({ title__startswith: 'A' })))
    Country.objects.filter({ code: 'NL', pk: 'NL', code__in: ['NL', 'BE'] })
  })

  it('rejects wrong value types, unknown fields and unknown lookups', () => {
    // @ts-expect-error: pages__gte compares with a number
    Book.objects.filter({ pages__gte: 'x' })
    // @ts-expect-error: icontains takes a string
    Book.objects.filter({ title__icontains: 1 })
    // @ts-expect-error: `nope` is not a field of Book
    Book.objects.filter({ nope: 1 })
    // @ts-expect-error: `nope` is not a lookup
    Book.objects.filter({ title__nope: 'x' })
    // @ts-expect-error: `title` is a string
    Book.objects.filter({ title: 3 })
    // @ts-expect-error: `pages__in` takes a list of numbers
    Book.objects.filter({ pages__in: ['a'] })
    // @ts-expect-error: isnull takes a boolean
    Book.objects.exclude({ publishedAt__isnull: 'yes' })
    // @ts-expect-error: Country declares its own primary key, so it has no `id`
    Country.objects.filter({ id: 1 })
    // @ts-expect-error: get() takes the same filters
    typeOnly(() => Book.objects.get({ titel: 'Dune' }))
  })
})

describe('ordering', () => {
  it('accepts fields, descending fields, pk, random and relation paths', () => {
    Book.objects.orderBy('-title')
    Book.objects.orderBy('title', '-pages', 'pk', '?')
    Book.objects.orderBy('authorId', 'author__name', '-author__age')
    Book.objects.all().orderBy('-publishedAt')
  })

  it('rejects unknown fields', () => {
    // @ts-expect-error: `nope` is not a field
    Book.objects.orderBy('nope')
    // @ts-expect-error: `-nope` is not a field
    Book.objects.all().orderBy('-nope')
  })
})

describe('results', () => {
  it('types values(), valuesList(), aggregate(), get() and friends', () => {
    typeOnly(async () => {
      const rows = await Book.objects.values('title', 'pages')
      expectTypeOf(rows).toEqualTypeOf<{ title: string; pages: number }[]>()
      const filtered = await Book.objects.filter({ pages__gt: 1 }).values('title', 'publishedAt')
      expectTypeOf(filtered).toEqualTypeOf<{ title: string; publishedAt: Date | null }[]>()

      const titles = await Book.objects.valuesList('title', { flat: true })
      expectTypeOf(titles).toEqualTypeOf<string[]>()
      const pages = await Book.objects.orderBy('-pages').valuesList('pages', { flat: true })
      expectTypeOf(pages).toEqualTypeOf<number[]>()
      expectTypeOf(await Book.objects.valuesList('title', 'pages')).toEqualTypeOf<unknown[][]>()

      const totals = await Book.objects.aggregate({ total: Sum('pages') })
      expectTypeOf(totals).toEqualTypeOf<{ total: number | null }>()
      const both = await Book.objects.filter({ pages__gt: 1 }).aggregate({ total: Sum('pages'), n: Count() })
      expectTypeOf(both).toEqualTypeOf<{ total: number | null; n: number | null }>()

      expectTypeOf(await Book.objects.get({ pk: 1 })).toEqualTypeOf<Book>()
      expectTypeOf(await Book.objects.filter({ title: 'Dune' }).get()).toEqualTypeOf<Book>()
      expectTypeOf(await Book.objects.getOrNone({ title: 'Dune' })).toEqualTypeOf<Book | null>()
      expectTypeOf(await Book.objects.first()).toEqualTypeOf<Book | null>()
      expectTypeOf(await Book.objects.filter({ pages__gt: 1 })).toEqualTypeOf<Book[]>()
      expectTypeOf(await Book.objects.count()).toEqualTypeOf<number>()
      expectTypeOf(await Country.objects.get({ pk: 'NL' })).toEqualTypeOf<Country>()
      const [book, created] = await Book.objects.getOrCreate({ title: 'Dune' }, { authorId: 1 })
      expectTypeOf(book).toEqualTypeOf<Book>()
      expectTypeOf(created).toEqualTypeOf<boolean>()
      expectTypeOf(
        await Book.objects.filter({ pages__gt: 1 }).update({ pages: F('pages').add(1) }),
      ).toEqualTypeOf<number>()
      // @ts-expect-error: update() takes the model's fields
      await Book.objects.all().update({ nope: 1 })
      // @ts-expect-error: and their types
      await Book.objects.filter({ pages: 1 }).update({ pages: 'many' })
    })
  })
})
