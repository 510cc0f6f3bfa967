/**
 * `Model.objects.get({ pk })` takes a precompiled statement (pk-get-plan.ts). It must give exactly
 * what the general path gives: the same instance, the same errors, and it must stand aside for
 * anything but an untouched QuerySet filtered by the model's own pk.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { atomic, DoesNotExist, FieldError, type PostQueryPayload, postQuery, Q } from '../../../src/index.js'
import { compileCacheStats } from '../../../src/query/statements.js'
import { testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { Author, Book, RELATION_MODELS, Shelf } from '../../support/relation-models.js'

describe.each(testBackends())('get() by pk on %s', (backend) => {
  beforeAll(async () => {
    await setupOrmDatabase(backend, 'orm_get_by_pk', RELATION_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(RELATION_MODELS))

  async function seed() {
    const ann = await Author.objects.create({ name: 'Ann' })
    const dune = await Book.objects.create({ title: 'Dune', author: ann, pages: 412 })
    const emma = await Book.objects.create({ title: 'Emma', author: ann, pages: 300 })
    return { ann, dune, emma }
  }

  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = []
    const receiver = (payload: PostQueryPayload) => {
      seen.push(payload.sql)
    }
    postQuery.connect(receiver)
    try {
      await run()
    } finally {
      postQuery.disconnect(receiver)
    }
    return seen
  }

  it('reads the same instance by pk, by the pk attribute and by a numeric string', async () => {
    const { dune } = await seed()
    const general = await Book.objects.filter({ title: 'Dune' }).first()
    for (const filters of [{ pk: dune.id }, { id: dune.id }, { pk: String(dune.id) }]) {
      const book = await Book.objects.get(filters)
      expect(book).toBeInstanceOf(Book)
      expect({ ...book }).toEqual({ ...general })
    }
  })

  it('skips the compile cache once compiled, and runs one statement with LIMIT 2 and no ORDER BY', async () => {
    const { dune, emma } = await seed()
    await Book.objects.get({ pk: dune.id })
    const before = { ...compileCacheStats }
    const statements = await statementsOf(() => Book.objects.get({ pk: emma.id }))
    expect(compileCacheStats).toEqual(before)
    expect(statements).toHaveLength(1)
    expect(statements[0]).toMatch(/ LIMIT (2|\$\d)$/)
    expect(statements[0]).not.toContain('ORDER BY')
    // any other filter takes the general path through the cache
    await Book.objects.get({ title: 'Dune' })
    expect(compileCacheStats.hits + compileCacheStats.misses).toBeGreaterThan(before.hits + before.misses)
  })

  it('refuses a bad pk value with the FieldError of the general path', async () => {
    await seed()
    let general: unknown
    try {
      Book.objects.filter({ pk: 'twelve' }).toSQL()
    } catch (err) {
      general = err
    }
    expect(general).toBeInstanceOf(FieldError)
    await expect(Book.objects.get({ pk: 'twelve' })).rejects.toThrow((general as Error).message)
    await expect(Book.objects.get({ pk: 'twelve' })).rejects.toBeInstanceOf(FieldError)
  })

  it('raises DoesNotExist naming the filter, as the general path does', async () => {
    await seed()
    const fast = await Book.objects.get({ pk: 987654 }).catch((err: unknown) => err)
    const general = await Book.objects.get(Q({ pk: 987654 })).catch((err: unknown) => err)
    expect(fast).toBeInstanceOf(Book.DoesNotExist)
    expect(fast).toBeInstanceOf(DoesNotExist)
    expect((fast as Error).message).toBe((general as Error).message)
    expect((fast as Error).message).toContain('987654')
  })

  it('keeps every earlier chain step: filters, values(), selectRelated(), using()', async () => {
    const { ann, dune } = await seed()
    await expect(Book.objects.filter({ pages__gt: 1000 }).get({ pk: dune.id })).rejects.toBeInstanceOf(
      Book.DoesNotExist,
    )
    expect(await Book.objects.exclude({ title: 'Dune' }).getOrNone({ pk: dune.id })).toBeNull()
    expect(await Book.objects.values('title').get({ pk: dune.id })).toEqual({ title: 'Dune' })
    expect(await Book.objects.using('default').get({ pk: dune.id })).toMatchObject({ title: 'Dune' })
    const statements = await statementsOf(async () => {
      const book = await Book.objects.selectRelated('author').get({ pk: dune.id })
      expect(await book.author).toMatchObject({ id: ann.id, name: 'Ann' })
    })
    expect(statements).toHaveLength(1)
    expect(statements[0]).toContain('JOIN')
  })

  it('leaves relations, other fields and several keys to the general path', async () => {
    const { ann, dune } = await seed()
    expect((await Book.objects.get({ author: ann, title: 'Dune' })).id).toBe(dune.id)
    expect((await Book.objects.get({ pk: dune.id, title: 'Dune' })).id).toBe(dune.id)
    await expect(Book.objects.get({ pk: dune.id, title: 'Emma' })).rejects.toBeInstanceOf(Book.DoesNotExist)
    expect((await Book.objects.get({ pk__in: [dune.id] })).id).toBe(dune.id)
    await expect(Book.objects.get({ pk: null } as never)).rejects.toBeInstanceOf(Book.DoesNotExist)
  })

  it('reads a model keyed by a string field, by pk and by its name', async () => {
    await Shelf.objects.create({ code: 'north' })
    await Shelf.objects.create({ code: "o'brien" })
    expect((await Shelf.objects.get({ pk: 'north' })).code).toBe('north')
    expect((await Shelf.objects.get({ code: "o'brien" })).code).toBe("o'brien")
    await expect(Shelf.objects.get({ pk: 'south' })).rejects.toBeInstanceOf(Shelf.DoesNotExist)
  })

  it('reads its own writes inside atomic()', async () => {
    const { ann } = await seed()
    await atomic(async () => {
      const book = await Book.objects.create({ title: 'Inside', author: ann })
      expect((await Book.objects.get({ pk: book.id })).title).toBe('Inside')
      await Book.objects.filter({ pk: book.id }).update({ title: 'Changed' })
      expect((await Book.objects.get({ pk: book.id })).title).toBe('Changed')
    })
  })
})
