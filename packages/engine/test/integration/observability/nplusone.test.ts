/**
 * contrib/nplusone on real databases with the relation models: lazy ForeignKey, reverse and
 * many-to-many loads in a loop are found and named with their fix; the same pages with
 * selectRelated / prefetchRelated are clean; the threshold, DDL / transaction statements, ignore,
 * detect(), report() and an error in flight behave as documented.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { assertNoNPlusOne, NPlusOneDetector } from '../../../src/contrib/nplusone/index.js'
import { countQueries } from '../../../src/contrib/querycount/index.js'
import {
  atomic,
  getConnection,
  type ManyRelatedManager,
  NPlusOneError,
  type RelatedManager,
} from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { Author, Book, RELATION_MODELS, Tag } from '../../support/relation-models.js'

type AuthorRow = InstanceType<typeof Author>
type BookRow = InstanceType<typeof Book>
const booksOf = (author: AuthorRow) =>
  (author as unknown as { books: RelatedManager<BookRow, typeof Book.fields> }).books
const tagsOf = (book: BookRow) =>
  book.tags as unknown as ManyRelatedManager<InstanceType<typeof Tag>, typeof Tag.fields>

describe.each(testBackends())('N+1 detection on %s', (backend: TestBackend) => {
  beforeAll(async () => {
    await setupOrmDatabase(backend, 'obs_nplusone', RELATION_MODELS, { SLOW_QUERY_MS: null })
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(RELATION_MODELS))

  /** `authors` authors with one book each (and one tag per book). */
  async function seed(authors: number): Promise<void> {
    for (let i = 0; i < authors; i++) {
      const author = await Author.objects.create({ name: `author ${i}` })
      const book = await Book.objects.create({ title: `book ${i}`, author })
      await tagsOf(book).add(await Tag.objects.create({ name: `tag ${i}` }))
    }
  }

  it('finds a loop of lazy ForeignKey loads and names Book.author and selectRelated', async () => {
    await seed(6)
    const error = await new NPlusOneDetector()
      .run(async () => {
        for (const book of await Book.objects.all()) await book.related('author')
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NPlusOneError)
    const lines = (error as NPlusOneError).message.split('\n')
    expect(lines[0]).toBe('N+1 detected: same query ran 6 times (threshold 5). Template:')
    expect(lines[1]).toMatch(/^ {2}SELECT .* FROM "rel_author" WHERE "rel_author"\."id" = (\$\?|\?) LIMIT (\$\?|\?)$/)
    expect(lines[2]).toBe(
      "  Lazy load of Book.author (rel.Book): use selectRelated('author') on the query that loads the Book rows.",
    )
    expect((error as NPlusOneError).code).toBe('N_PLUS_ONE')
  })

  it('is clean for the same page with selectRelated', async () => {
    await seed(6)
    const detector = new NPlusOneDetector()
    const names = await detector.run(async () => {
      const books = await Book.objects.selectRelated('author')
      return books.map((b) => b.author.name)
    })
    expect(names).toHaveLength(6)
    expect(detector.findings).toEqual([])
    expect(detector.report()).toBe('')
  })

  it('names reverse managers (Author.books, even chained) and suggests prefetchRelated', async () => {
    await seed(6)
    const detector = new NPlusOneDetector({ raiseOnDetect: false })
    await detector.run(async () => {
      for (const author of await Author.objects.all()) await booksOf(author).filter({ pages__gte: 0 }).count()
    })
    expect(detector.findings).toEqual([
      {
        template: expect.stringMatching(/^SELECT COUNT\(\*\).* FROM "rel_book" WHERE .*"author_id" = (\$\?|\?)/),
        count: 6,
        relation: { model: 'rel.Author', relation: 'books', kind: 'reverse' },
        fix: "prefetchRelated('books')",
      },
    ])
    const clean = await new NPlusOneDetector().detect(async () => {
      for (const author of await Author.objects.prefetchRelated('books')) await booksOf(author).all()
    })
    expect(clean.findings).toEqual([])
  })

  it('names many-to-many managers (Book.tags), also when iterated', async () => {
    await seed(6)
    const { findings } = await new NPlusOneDetector().detect(async () => {
      for (const book of await Book.objects.all()) {
        for await (const tag of tagsOf(book).all().iterator()) expect(tag.name).toMatch(/^tag /)
      }
    })
    expect(findings.map((f) => [f.count, f.relation, f.fix])).toEqual([
      [6, { model: 'rel.Book', relation: 'tags', kind: 'many_to_many' }, "prefetchRelated('tags')"],
    ])
  })

  it('reports a repeated query without a relation when it is not a lazy load', async () => {
    await seed(6)
    const { findings } = await new NPlusOneDetector().detect(async () => {
      for (let i = 0; i < 6; i++) await Author.objects.filter({ name: `author ${i}` }).first()
    })
    expect(findings).toHaveLength(1)
    expect(findings[0]?.relation).toBeNull()
    expect(findings[0]?.fix).toBeNull()
    expect(new NPlusOneDetector().report()).toBe('')
  })

  it('allows up to threshold runs of one template', async () => {
    await seed(5)
    const result = await new NPlusOneDetector({ threshold: 5 }).run(async () => {
      for (const book of await Book.objects.all()) await book.related('author')
      return 'fine'
    })
    expect(result).toBe('fine')
    await expect(
      new NPlusOneDetector({ threshold: 4 }).run(async () => {
        for (const book of await Book.objects.all()) await book.related('author')
      }),
    ).rejects.toThrow('N+1 detected: same query ran 5 times (threshold 4).')
  })

  it('skips transaction statements, and ignore drops more', async () => {
    const { result: counted } = await countQueries(() =>
      new NPlusOneDetector({ threshold: 2 }).detect(async () => {
        for (let i = 0; i < 4; i++) {
          await atomic(() => getConnection().execute(`SELECT ${i} AS n_${i}`))
        }
      }),
    )
    expect(counted.findings).toEqual([])
    await seed(3)
    const ignored = await new NPlusOneDetector({ threshold: 1, ignore: [/"rel_author"/] }).detect(async () => {
      for (const book of await Book.objects.all()) await book.related('author')
    })
    expect(ignored.findings).toEqual([])
  })

  it('counts the BEGIN / COMMIT it skips (so the test above could fail)', async () => {
    const { sql } = await countQueries(() => atomic(() => getConnection().execute('SELECT 1 AS one')))
    expect(sql.some((s) => /^(BEGIN|SAVEPOINT)/i.test(s))).toBe(true)
  })

  it('lets the block error propagate instead of NPlusOneError', async () => {
    await seed(6)
    await expect(
      new NPlusOneDetector().run(async () => {
        for (const book of await Book.objects.all()) await book.related('author')
        throw new Error('page failed')
      }),
    ).rejects.toThrow('page failed')
  })

  it('keeps concurrent detectors apart and starts each run from zero', async () => {
    await seed(6)
    const loop = () =>
      new NPlusOneDetector().detect(async () => {
        for (const book of await Book.objects.all()) {
          await book.related('author')
          await nextTurn()
        }
      })
    const quiet = () =>
      new NPlusOneDetector().detect(async () => {
        await nextTurn()
        await Book.objects.selectRelated('author')
      })
    const [noisy, calm] = await Promise.all([loop(), quiet()])
    expect(noisy.findings.map((f) => f.count)).toEqual([6])
    expect(calm.findings).toEqual([])
    const detector = new NPlusOneDetector({ raiseOnDetect: false })
    await detector.run(async () => {
      for (const book of await Book.objects.all()) await book.related('author')
    })
    expect(detector.findings).toHaveLength(1)
    await detector.run(() => Book.objects.all())
    expect(detector.findings).toEqual([])
  })

  it('assertNoNPlusOne throws NPlusOneError for a loop and returns the result otherwise', async () => {
    await seed(3)
    expect(await assertNoNPlusOne(() => Book.objects.count(), { threshold: 1 })).toBe(3)
    await expect(
      assertNoNPlusOne(
        async () => {
          for (const book of await Book.objects.all()) await book.related('author')
        },
        { threshold: 2 },
      ),
    ).rejects.toBeInstanceOf(NPlusOneError)
  })

  it('refuses a threshold below 1', () => {
    expect(() => new NPlusOneDetector({ threshold: 0 })).toThrow(
      'NPlusOneDetector: threshold must be an integer >= 1, got 0.',
    )
  })
})
