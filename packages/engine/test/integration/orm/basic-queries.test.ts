import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DoesNotExist, F, FieldError, MultipleObjectsReturned, Q } from '../../../src/index.js'
import { testBackends } from '../../support/backends.js'
import { Author, Book, LIBRARY_MODELS, Publisher } from '../../support/library-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'

describe.each(testBackends())('basic queries on %s', (backend) => {
  beforeAll(async () => {
    await setupOrmDatabase(backend, 'orm_basic', LIBRARY_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(LIBRARY_MODELS))

  async function seed() {
    const acme = await Publisher.objects.create({ name: 'Acme' })
    const ann = await Author.objects.create({ name: 'Ann Leckie', age: 58, publisher: acme })
    const bob = await Author.objects.create({ name: 'Bob', age: 40 })
    await Book.objects.create({ title: 'Ancillary Justice', author: ann, pages: 386 })
    await Book.objects.create({ title: 'Ancillary Sword', author: ann, pages: 356 })
    await Book.objects.create({ title: 'Zero', authorId: bob.id, pages: 5 })
    return { acme, ann, bob }
  }

  it('creates rows with ids and reads them back as typed instances', async () => {
    const { ann } = await seed()
    expect(typeof ann.id).toBe('number')
    const books = await Book.objects.filter({ author: ann }).orderBy('title')
    expect(books.map((b) => b.title)).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(books[0]?.authorId).toBe(ann.id)
    expect(books[0]?.inPrint).toBe(true)
    expect(books[0]).toBeInstanceOf(Book)
  })

  it('filters with lookups, spans relations both ways, and counts', async () => {
    const { ann } = await seed()
    expect(await Book.objects.filter({ pages__gte: 356 }).count()).toBe(2)
    expect(await Book.objects.filter({ title__startswith: 'Anc', pages__lt: 380 }).count()).toBe(1)
    expect(await Book.objects.filter({ author__name__icontains: 'LECKIE' }).count()).toBe(2)
    expect(await Book.objects.filter({ author__publisher__name: 'Acme' }).count()).toBe(2)
    expect(await Author.objects.filter(Q({ books__title__contains: 'Sword' })).count()).toBe(1)
    expect(
      await Author.objects
        .filter(Q({ books__pages__gt: 1 }))
        .distinct()
        .count(),
    ).toBe(2)
    expect(await Book.objects.filter({ pages__in: [5, 386] }).count()).toBe(2)
    expect(await Book.objects.filter({ pages__range: [300, 360] }).count()).toBe(1)
    expect(await Author.objects.filter({ publisher__isnull: true }).count()).toBe(1)
    expect(await Book.objects.exclude({ author: ann }).count()).toBe(1)
    expect(await Book.objects.filter({ title__regex: '^A.*d$' }).count()).toBe(1)
    expect(await Book.objects.filter({ title__iregex: '^a.*D$' }).count()).toBe(1)
  })

  it('combines Q objects and compares with F expressions', async () => {
    await seed()
    const qs = Book.objects.filter(Q.or(Q({ pages__lt: 10 }), Q({ title__endswith: 'Justice' })))
    expect((await qs.orderBy('pages')).map((b) => b.pages)).toEqual([5, 386])
    expect(await Book.objects.filter(Q.not(Q({ pages__lt: 10 }))).count()).toBe(2)
    expect(await Book.objects.filter({ pages__gt: F('author__age') }).count()).toBe(2)
    const updated = await Book.objects.filter({ pages__lt: 10 }).update({ pages: F('pages').add(1) })
    expect(updated).toBe(1)
    expect((await Book.objects.get({ title: 'Zero' })).pages).toBe(6)
  })

  it('get() raises DoesNotExist and MultipleObjectsReturned with the model class', async () => {
    await seed()
    await expect(Book.objects.get({ title: 'Nope' })).rejects.toBeInstanceOf(Book.DoesNotExist)
    await expect(Book.objects.get({ title: 'Nope' })).rejects.toBeInstanceOf(DoesNotExist)
    await expect(Book.objects.get({ title__startswith: 'Anc' })).rejects.toBeInstanceOf(MultipleObjectsReturned)
    expect(await Book.objects.getOrNone({ title: 'Nope' })).toBeNull()
  })

  it('rejects unknown fields and lookups with the valid names', async () => {
    expect(() => Book.objects.filter({ titel: 'x' } as never).toSQL()).toThrow(FieldError)
    expect(() => Book.objects.filter({ titel: 'x' } as never).toSQL()).toThrow(/Choices are: .*title/)
    expect(() => Book.objects.filter({ title__nope: 'x' } as never).toSQL()).toThrow(/Lookups: exact, iexact/)
  })

  it('orders, slices, and returns values and valuesList', async () => {
    await seed()
    const titles = await Book.objects.orderBy('-pages').limit(2).valuesList('title', { flat: true })
    expect(titles).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    const page = await Book.objects.orderBy('pages').offset(1).limit(1).values('title', 'author__name')
    expect(page).toEqual([{ title: 'Ancillary Sword', author__name: 'Ann Leckie' }])
    expect(await Author.objects.first()).toMatchObject({ name: 'Ann Leckie' })
    expect(await Author.objects.last()).toMatchObject({ name: 'Bob' })
    expect(await Book.objects.filter({ pages__gt: 1000 }).exists()).toBe(false)
  })

  it('saves updates, deletes with CASCADE, and refreshes from the database', async () => {
    const { ann } = await seed()
    ann.age = 59
    await ann.save()
    expect((await Author.objects.get({ pk: ann.id })).age).toBe(59)
    await Author.objects.filter({ pk: ann.id }).update({ age: 60 })
    await ann.refreshFromDb()
    expect(ann.age).toBe(60)
    const result = await ann.delete()
    expect(result.perModel).toMatchObject({ 'library.Author': 1, 'library.Book': 2 })
    expect(await Book.objects.count()).toBe(1)
  })
})
