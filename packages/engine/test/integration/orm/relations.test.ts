/**
 * Conformance of relations (API.md section 2 and 3): forward access after selectRelated (one
 * query), `related()`, reverse managers and reverse one-to-one, prefetchRelated at one query per
 * relation whatever the row count, many-to-many managers and lookups both ways, the junction
 * tables, and every onDelete done by the ORM with its delete signals.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createModelSql,
  type DeletePayload,
  getConnection,
  IntegrityError,
  type ManyRelatedManager,
  type PostQueryPayload,
  ProtectedError,
  postDelete,
  postQuery,
  preDelete,
  Q,
  type RelatedManager,
} from '../../../src/index.js'
import { dialectFor } from '../../../src/query/dialects.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { placeholder, setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import {
  Author,
  Book,
  BookProfile,
  CascadeItem,
  DefaultingItem,
  IgnoredItem,
  NullingItem,
  Person,
  ProtectedItem,
  Publisher,
  RELATION_MODELS,
  RestrictedItem,
  Review,
  Shelf,
  Tag,
} from '../../support/relation-models.js'

type AuthorRow = InstanceType<typeof Author>
type BookRow = InstanceType<typeof Book>
type TagRow = InstanceType<typeof Tag>
type ReviewRow = InstanceType<typeof Review>
type PersonRow = InstanceType<typeof Person>

// reverse accessors are installed at run time; the pointed-at model's type does not know them
const booksOf = (author: AuthorRow) =>
  (author as unknown as { books: RelatedManager<BookRow, typeof Book.fields> }).books
const reviewsOf = (book: BookRow) =>
  (book as unknown as { reviews: RelatedManager<ReviewRow, typeof Review.fields> }).reviews
const taggedBooks = (tag: TagRow) =>
  (tag as unknown as { books: ManyRelatedManager<BookRow, typeof Book.fields> }).books
const friendsOf = (person: PersonRow) =>
  person.friends as unknown as ManyRelatedManager<PersonRow, typeof Person.fields>
const friendOf = (person: PersonRow) =>
  (person as unknown as { friendOf: ManyRelatedManager<PersonRow, typeof Person.fields> }).friendOf
const blockedBy = (person: PersonRow) =>
  person.blocked as unknown as ManyRelatedManager<PersonRow, typeof Person.fields>

/** Runs `fn` and returns its result with the SQL of every statement it ran. */
async function recording<T>(fn: () => PromiseLike<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = []
  const receiver = (payload: PostQueryPayload) => {
    sql.push(payload.sql)
  }
  postQuery.connect(receiver)
  try {
    return { result: await fn(), sql }
  } finally {
    postQuery.disconnect(receiver)
  }
}

describe.each(testBackends())('relations on %s', (backend: TestBackend) => {
  const pg = backend === 'postgres'
  const p = (n: number) => placeholder(backend, n)

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'orm_relations', RELATION_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(RELATION_MODELS))

  async function junctionRows(table: string): Promise<Array<Record<string, unknown>>> {
    const { rows } = await getConnection().execute(`SELECT * FROM "${table}"`)
    return rows
  }

  async function seed() {
    const acme = await Publisher.objects.create({ name: 'Acme' })
    const ann = await Author.objects.create({ name: 'Ann', publisher: acme })
    const bob = await Author.objects.create({ name: 'Bob' })
    const justice = await Book.objects.create({ title: 'Justice', author: ann, editor: bob, pages: 386 })
    const sword = await Book.objects.create({ title: 'Sword', author: ann, pages: 356 })
    const zero = await Book.objects.create({ title: 'Zero', author: bob, pages: 5 })
    return { acme, ann, bob, justice, sword, zero }
  }

  describe('forward relations', () => {
    it('selectRelated loads the author in the same query: book.author.name costs one query', async () => {
      await seed()
      const { result: name, sql } = await recording(async () => {
        const book = await Book.objects.selectRelated('author').get({ title: 'Justice' })
        return book.author.name
      })
      expect(name).toBe('Ann')
      expect(sql).toHaveLength(1)
      expect(sql[0]).toContain(' JOIN "rel_author" AS "T1" ON "T1"."id" = "rel_book"."author_id"')
    })

    it('follows nested selectRelated paths (author__publisher) with one query and one join per hop', async () => {
      await seed()
      const { result: books, sql } = await recording(() =>
        Book.objects.selectRelated('author__publisher').filter({ author__name: 'Ann' }),
      )
      expect(sql).toHaveLength(1)
      expect(sql[0]?.match(/ JOIN /g)).toHaveLength(2)
      expect(books.map((b) => [b.title, b.author.name, (b.author.publisher as { name: string } | null)?.name])).toEqual(
        [
          ['Justice', 'Ann', 'Acme'],
          ['Sword', 'Ann', 'Acme'],
        ],
      )
      // Bob has no publisher: the LEFT JOIN keeps his book and the relation is null, not an error
      const zero = await Book.objects.selectRelated('author__publisher').get({ title: 'Zero' })
      expect(zero.author.name).toBe('Bob')
      expect(zero.author.publisher).toBeNull()
    })

    it('a nullable ForeignKey that is null stays null under selectRelated (LEFT OUTER JOIN keeps the row)', async () => {
      await seed()
      const qs = Book.objects.selectRelated('editor').orderBy('title')
      expect(qs.toSQL().sql).toContain('LEFT OUTER JOIN "rel_author" AS "T1" ON "T1"."id" = "rel_book"."editor_id"')
      const { result: books, sql } = await recording(() => qs)
      expect(sql).toHaveLength(1)
      expect(books.map((b) => [b.title, b.editorId === null, b.editor?.name ?? null])).toEqual([
        ['Justice', false, 'Bob'],
        ['Sword', true, null],
        ['Zero', true, null],
      ])
    })

    it('related() fetches a forward relation once, then answers from the cache', async () => {
      const { ann } = await seed()
      const book = await Book.objects.get({ title: 'Sword' })
      expect(() => book.author).toThrow(/not loaded/)
      const first = await recording(() => book.related<AuthorRow>('author'))
      expect(first.sql).toHaveLength(1)
      expect(first.result.pk).toBe(ann.pk)
      expect(first.result.name).toBe('Ann')
      const again = await recording(() => book.related<AuthorRow>('author'))
      expect(again.sql).toHaveLength(0)
      expect(book.author.name).toBe('Ann')
      expect(await book.related('editor')).toBeNull()
      await expect(book.related('nope')).rejects.toThrow(/Choices: author, editor, profile/)
    })

    it('assigning an instance sets the key and the cached relation', async () => {
      const { bob } = await seed()
      const book = await Book.objects.get({ title: 'Sword' })
      book.editor = bob
      expect(book.editorId).toBe(bob.id)
      await book.save()
      const again = await Book.objects.selectRelated('editor').get({ pk: book.id })
      expect(again.editor?.name).toBe('Bob')
    })
  })

  describe('reverse relations', () => {
    it('author.books is a manager over the books pointing at the author', async () => {
      const { ann, bob } = await seed()
      expect((await booksOf(ann).all()).map((b) => b.title)).toEqual(['Justice', 'Sword'])
      expect(await booksOf(ann).count()).toBe(2)
      expect((await booksOf(ann).filter({ pages__lt: 370 })).map((b) => b.title)).toEqual(['Sword'])
      expect(await booksOf(bob).valuesList('title', { flat: true })).toEqual(['Zero'])
      const { sql } = await recording(() => booksOf(bob).all())
      expect(sql[0]).toContain(`WHERE "rel_book"."author_id" = ${p(1)}`)
    })

    it('author.books.create() makes a book pointing at the author', async () => {
      const { bob } = await seed()
      const created = await booksOf(bob).create({ title: 'Second', pages: 12 })
      expect(created.authorId).toBe(bob.id)
      expect((await Book.objects.get({ title: 'Second' })).authorId).toBe(bob.id)
      expect(await booksOf(bob).count()).toBe(2)
    })

    it('reverse one-to-one: related() gives the single object or null, prefetchRelated caches it', async () => {
      const { justice, sword } = await seed()
      const profile = await BookProfile.objects.create({ book: justice, blurb: 'A ship' })
      const book = await Book.objects.get({ pk: justice.id })
      expect(() => (book as unknown as { profile: unknown }).profile).toThrow(/not loaded/)
      const found = await book.related<InstanceType<typeof BookProfile>>('profile')
      expect(found.pk).toBe(profile.pk)
      expect(found.blurb).toBe('A ship')
      expect(await (await Book.objects.get({ pk: sword.id })).related('profile')).toBeNull()
      const { result: books, sql } = await recording(() => Book.objects.prefetchRelated('profile').orderBy('title'))
      expect(sql).toHaveLength(2)
      const profiles = books.map((b) => (b as unknown as { profile: { blurb: string } | null }).profile?.blurb ?? null)
      expect(profiles).toEqual(['A ship', null, null])
      expect(await BookProfile.objects.filter({ book__title: 'Justice' }).count()).toBe(1)
      expect(await Book.objects.filter(Q({ profile__blurb: 'A ship' })).count()).toBe(1)
    })
  })

  describe('prefetchRelated: one query per relation, whatever the number of rows', () => {
    /** `n` authors, each with two books; each book with two reviews and two of three tags. */
    async function seedMany(n: number) {
      const tags = await Tag.objects.bulkCreate([{ name: 'a' }, { name: 'b' }, { name: 'c' }])
      const authors = await Author.objects.bulkCreate(
        Array.from({ length: n }, (_, i) => ({ name: `author ${String(i).padStart(3, '0')}` })),
      )
      const books = await Book.objects.bulkCreate(
        authors.flatMap((a, i) => [
          { title: `${a.name} first`, author: a, pages: i },
          { title: `${a.name} second`, author: a, pages: i + 1 },
        ]),
      )
      await Review.objects.bulkCreate(
        books.flatMap((b, i) => [
          { book: b, stars: i % 5 },
          { book: b, stars: 5 },
        ]),
      )
      for (const [i, book] of books.entries()) await book.tags.add(tags[i % 3] as TagRow, tags[(i + 1) % 3] as TagRow)
      return { tags, authors, books }
    }

    for (const n of [1, 10, 200]) {
      it(`${n} row(s): forward, reverse, many-to-many both ways, nested`, async () => {
        await seedMany(n)

        const forward = await recording(() => Book.objects.prefetchRelated('author'))
        expect(forward.sql).toHaveLength(2)
        expect(forward.result).toHaveLength(2 * n)
        for (const book of forward.result) expect(book.title.startsWith(book.author.name)).toBe(true)

        const reverse = await recording(() => Author.objects.prefetchRelated('books'))
        expect(reverse.sql).toHaveLength(2)
        const fromCache = await recording(async () => {
          const out: string[][] = []
          for (const author of reverse.result) out.push((await booksOf(author).all()).map((b) => b.title))
          return out
        })
        expect(fromCache.sql).toHaveLength(0)
        expect(fromCache.result[0]).toEqual([`${reverse.result[0]?.name} first`, `${reverse.result[0]?.name} second`])

        const m2m = await recording(() => Book.objects.prefetchRelated('tags'))
        expect(m2m.sql).toHaveLength(2)
        expect(m2m.sql[1]).toContain('"rel_book_tags"')
        expect(m2m.sql[1]).toContain(pg ? '= ANY($1)' : 'IN (?')
        const tagNames = await recording(async () => {
          const out: string[][] = []
          for (const book of m2m.result) out.push((await book.tags.all()).map((t) => t.name))
          return out
        })
        expect(tagNames.sql).toHaveLength(0)
        for (const [i, names] of tagNames.result.entries()) {
          const expected = await m2m.result[i]?.tags.all().orderBy('name').valuesList('name', { flat: true })
          expect(names).toEqual(expected)
          expect(names).toHaveLength(2)
        }

        const m2mReverse = await recording(() => Tag.objects.prefetchRelated('books'))
        expect(m2mReverse.sql).toHaveLength(2)
        const counts = m2mReverse.result.map((t) => t.name)
        expect(counts).toEqual(['a', 'b', 'c'])
        let total = 0
        for (const tag of m2mReverse.result) {
          const titles = await recording(() => taggedBooks(tag).all())
          expect(titles.sql).toHaveLength(0)
          expect(titles.result.length).toBe(await taggedBooks(tag).all().filter({ id__gt: 0 }).count())
          total += titles.result.length
        }
        expect(total).toBe(4 * n)

        const nested = await recording(() => Author.objects.prefetchRelated('books__reviews', 'books__tags'))
        expect(nested.sql).toHaveLength(4)
        const deep = await recording(async () => {
          let reviews = 0
          let tags = 0
          for (const author of nested.result) {
            for (const book of await booksOf(author).all()) {
              reviews += (await reviewsOf(book).all()).length
              tags += (await book.tags.all()).length
            }
          }
          return { reviews, tags }
        })
        expect(deep.sql).toHaveLength(0)
        expect(deep.result).toEqual({ reviews: 4 * n, tags: 4 * n })

        const onlyReviews = await recording(() => Author.objects.prefetchRelated('books__reviews'))
        expect(onlyReviews.sql).toHaveLength(3)
      })
    }

    it('chaining on a prefetched manager queries again', async () => {
      const { books } = await seedMany(2)
      const [book] = await Book.objects.prefetchRelated('tags').filter({ pk: (books[0] as BookRow).id })
      const { result, sql } = await recording(() => (book as BookRow).tags.filter({ name: 'a' }))
      expect(sql).toHaveLength(1)
      expect(result.map((t) => t.name)).toEqual(['a'])
    })
  })

  describe('many-to-many', () => {
    async function seedTags() {
      const { justice, sword, zero, ann } = await seed()
      const sf = await Tag.objects.create({ name: 'sf' })
      const space = await Tag.objects.create({ name: 'space' })
      const classic = await Tag.objects.create({ name: 'classic' })
      return { justice, sword, zero, ann, sf, space, classic }
    }

    it('creates the junction table: two keys, a unique pair, cascading foreign keys', () => {
      const dialect = dialectFor(pg ? 'postgresql' : 'sqlite')
      const sql = createModelSql(Book, dialect).join(';\n')
      const key = pg ? 'bigint' : 'integer'
      expect(sql).toContain(
        `CREATE TABLE "rel_book_tags" ("id" ${pg ? 'bigserial NOT NULL PRIMARY KEY' : 'integer NOT NULL PRIMARY KEY AUTOINCREMENT'}, ` +
          `"book_id" ${key} NOT NULL REFERENCES "rel_book" ("id") ON DELETE CASCADE, ` +
          `"tag_id" ${key} NOT NULL REFERENCES "rel_tag" ("id") ON DELETE CASCADE, UNIQUE ("book_id", "tag_id"))`,
      )
      const self = createModelSql(Person, dialect).join(';\n')
      expect(self).toContain('"from_person_id"')
      expect(self).toContain('"to_person_id"')
      expect(self).toContain('CREATE TABLE "rel_blocks"')
    })

    it('add() relates rows (instances or keys) and ignores pairs already present', async () => {
      const { justice, sf, space, classic } = await seedTags()
      await justice.tags.add(sf, space.id)
      await justice.tags.add(sf, classic, classic)
      expect(await justice.tags.all().valuesList('name', { flat: true })).toEqual(['classic', 'sf', 'space'])
      expect(await junctionRows('rel_book_tags')).toHaveLength(3)
      const { sql } = await recording(() => justice.tags.add(sf))
      expect(sql).toHaveLength(1)
      expect(sql[0]).toBe(
        `INSERT INTO "rel_book_tags" ("book_id", "tag_id") VALUES (${p(1)}, ${p(2)}) ON CONFLICT DO NOTHING`,
      )
      await justice.tags.add()
    })

    it('remove(), set() and clear() change only the pairs', async () => {
      const { justice, sf, space, classic } = await seedTags()
      await justice.tags.add(sf, space, classic)
      await justice.tags.remove(space)
      expect(await justice.tags.all().valuesList('name', { flat: true })).toEqual(['classic', 'sf'])
      const before = await junctionRows('rel_book_tags')
      const kept = before.find((r) => Number(r.tag_id) === sf.id)
      await justice.tags.set([sf, space])
      expect(await justice.tags.all().valuesList('name', { flat: true })).toEqual(['sf', 'space'])
      // set() keeps the pairs that stay (the sf pair is the same row)
      const after = await junctionRows('rel_book_tags')
      expect(after.find((r) => Number(r.tag_id) === sf.id)?.id).toEqual(kept?.id)
      await justice.tags.set([classic], { clear: true })
      expect(await justice.tags.all().valuesList('name', { flat: true })).toEqual(['classic'])
      await justice.tags.clear()
      expect(await justice.tags.count()).toBe(0)
      expect(await Tag.objects.count()).toBe(3)
    })

    it('create() makes a related row and its pair; the reverse manager works the same way', async () => {
      const { justice, sword, sf } = await seedTags()
      const fresh = await justice.tags.create({ name: 'fresh' })
      expect(fresh.id).toBeTypeOf('number')
      expect(await justice.tags.all().valuesList('name', { flat: true })).toEqual(['fresh'])
      await taggedBooks(sf).add(justice, sword)
      expect((await taggedBooks(sf).all()).map((b) => b.title)).toEqual(['Justice', 'Sword'])
      expect(await sword.tags.all().valuesList('name', { flat: true })).toEqual(['sf'])
      await taggedBooks(sf).remove(justice)
      expect(await justice.tags.all().valuesList('name', { flat: true })).toEqual(['fresh'])
      const created = await taggedBooks(sf).create({ title: 'New', authorId: justice.authorId })
      expect((await taggedBooks(sf).all()).map((b) => b.title)).toEqual(['New', 'Sword'])
      expect(await created.tags.all().valuesList('name', { flat: true })).toEqual(['sf'])
    })

    it('a write through the manager drops its prefetched rows', async () => {
      const { justice, sf, space } = await seedTags()
      await justice.tags.add(sf)
      const [book] = await Book.objects.prefetchRelated('tags').filter({ pk: justice.id })
      expect(await (book as BookRow).tags.count()).toBe(1)
      await (book as BookRow).tags.add(space)
      expect(await (book as BookRow).tags.all().valuesList('name', { flat: true })).toEqual(['sf', 'space'])
    })

    it('lookups span the relation both ways', async () => {
      const { justice, sword, zero, sf, space, classic } = await seedTags()
      await justice.tags.add(sf, space)
      await sword.tags.add(sf)
      await zero.tags.add(classic)
      const titles = (qs: PromiseLike<BookRow[]>) => Promise.resolve(qs).then((r) => r.map((b) => b.title))
      expect(await titles(Book.objects.filter({ tags__name: 'sf' }))).toEqual(['Justice', 'Sword'])
      expect(await titles(Book.objects.filter({ tags__name__startswith: 'sp' }))).toEqual(['Justice'])
      expect(await titles(Book.objects.filter(Q({ tags: sf })))).toEqual(['Justice', 'Sword'])
      expect(await titles(Book.objects.filter({ tags__in: [space.id, classic.id] }))).toEqual(['Justice', 'Zero'])
      expect(await titles(Book.objects.filter({ tags__pk: classic.id }))).toEqual(['Zero'])
      expect(await titles(Book.objects.exclude({ tags__name: 'sf' }))).toEqual(['Zero'])
      expect(await titles(Book.objects.filter({ tags__isnull: true }))).toEqual([])
      expect(await Book.objects.filter({ tags__name__in: ['sf', 'space'] }).count()).toBe(2)
      expect(
        await Book.objects
          .filter({ tags__name__in: ['sf', 'space'] })
          .distinct()
          .values('title'),
      ).toHaveLength(2)
      const tagNames = async (f: Parameters<typeof Tag.objects.filter>[0]) =>
        Tag.objects.filter(f).distinct().valuesList('name', { flat: true })
      expect(await tagNames(Q({ books__title: 'Sword' }))).toEqual(['sf'])
      expect(await tagNames(Q({ books__author__name: 'Ann' }))).toEqual(['sf', 'space'])
      expect(await tagNames(Q({ books: zero }))).toEqual(['classic'])
      expect(await tagNames(Q({ books__pages__gte: 356 }))).toEqual(['sf', 'space'])
      expect(await Tag.objects.filter(Q({ books__isnull: true })).count()).toBe(0)
      // exclude() across the relation means "no related row matches", not "some related row differs"
      expect(await Tag.objects.exclude(Q({ books__title: 'Sword' })).valuesList('name', { flat: true })).toEqual([
        'classic',
        'space',
      ])
      expect(await titles(Book.objects.exclude(Q({ tags: sf })))).toEqual(['Zero'])
      expect(await titles(Book.objects.exclude(Q({ tags__name__in: ['space', 'classic'] })))).toEqual(['Sword'])
      expect(Book.objects.exclude({ tags__name: 'sf' }).toSQL().sql).toContain(
        `NOT ("rel_book"."id" IN (SELECT "T1"."book_id" FROM "rel_tag" LEFT OUTER JOIN "rel_book_tags" AS "T1"`,
      )
      const { sql } = Book.objects.filter({ tags__name: 'sf' }).toSQL()
      expect(sql).toContain('LEFT OUTER JOIN "rel_book_tags" AS "T1" ON "T1"."book_id" = "rel_book"."id"')
      expect(sql).toContain('LEFT OUTER JOIN "rel_tag" AS "T2" ON "T2"."id" = "T1"."tag_id"')
      expect(sql).toContain(`WHERE "T2"."name" = ${p(1)}`)
      // stopping at the key reads the junction column: no join to the tag table
      const { sql: keyOnly } = Book.objects.filter(Q({ tags: sf })).toSQL()
      expect(keyOnly).not.toContain('"rel_tag"')
      expect(keyOnly).toContain(`WHERE "T1"."tag_id" = ${p(1)}`)
      expect(await Book.objects.filter({ tags__name: 'sf' }).values('title', 'tags__name')).toEqual([
        { title: 'Justice', tags__name: 'sf' },
        { title: 'Sword', tags__name: 'sf' },
      ])
    })

    it('self relations: from/to columns, the reverse side, and a hidden reverse side', async () => {
      const [ada, bea, cal] = await Person.objects.bulkCreate([{ name: 'ada' }, { name: 'bea' }, { name: 'cal' }])
      const a = ada as PersonRow
      const b = bea as PersonRow
      const c = cal as PersonRow
      await friendsOf(a).add(b, c)
      await friendsOf(b).add(c)
      const names = (rows: PersonRow[]) => rows.map((r) => r.name)
      expect(names(await friendsOf(a).all())).toEqual(['bea', 'cal'])
      expect(names(await friendOf(c).all())).toEqual(['ada', 'bea'])
      expect(names(await friendOf(a).all())).toEqual([])
      expect(names(await Person.objects.filter({ friends__name: 'cal' }))).toEqual(['ada', 'bea'])
      expect(names(await Person.objects.filter(Q({ friendOf__name: 'ada' })))).toEqual(['bea', 'cal'])
      const rows = await junctionRows('rel_person_friends')
      expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['from_person_id', 'id', 'to_person_id'])
      await blockedBy(a).add(c)
      expect(names(await blockedBy(a).all())).toEqual(['cal'])
      expect(names(await Person.objects.filter(Q({ blocked: c })))).toEqual(['ada'])
      expect('blockedSet' in c || 'personSet' in c).toBe(false)
      const prefetched = await recording(() => Person.objects.prefetchRelated('friends', 'friendOf', 'blocked'))
      expect(prefetched.sql).toHaveLength(4)
      const [pa, , pc] = prefetched.result
      expect(names(await friendsOf(pa as PersonRow).all())).toEqual(['bea', 'cal'])
      expect(names(await friendOf(pc as PersonRow).all())).toEqual(['ada', 'bea'])
      expect(names(await blockedBy(pa as PersonRow).all())).toEqual(['cal'])
    })

    it('deleting either side removes its junction rows and nothing else', async () => {
      const { justice, sword, sf, space } = await seedTags()
      await justice.tags.add(sf, space)
      await sword.tags.add(sf, space)
      await justice.delete()
      expect(await junctionRows('rel_book_tags')).toHaveLength(2)
      await sf.delete()
      const left = await junctionRows('rel_book_tags')
      expect(left.map((r) => [Number(r.book_id), Number(r.tag_id)])).toEqual([[sword.id, space.id]])
      expect(await Tag.objects.count()).toBe(2)
      expect(await Book.objects.filter({ pk: sword.id }).exists()).toBe(true)
      // a queryset delete of many rows too, including a cascade that reaches books through authors
      await Author.objects.all().delete()
      expect(await junctionRows('rel_book_tags')).toHaveLength(0)
      expect(await Tag.objects.count()).toBe(2)
    })

    it('refuses unsaved instances, wrong models, direct assignment and m2m values in the constructor', async () => {
      const { justice, ann } = await seedTags()
      const unsaved = new Book({ title: 'Draft', author: ann })
      await expect(unsaved.tags.add(1)).rejects.toThrow(/saved/)
      expect(() => unsaved.tags.all()).toThrow(/save\(\) first/)
      await expect(justice.tags.add(new Tag({ name: 'unsaved' }))).rejects.toThrow(/must be saved/)
      await expect(justice.tags.add(ann as never)).rejects.toThrow(/takes rel\.Tag instances/)
      expect(() => {
        ;(justice as unknown as { tags: unknown }).tags = []
      }).toThrow(/tags\.set/)
      expect(() => new Book({ title: 'x', author: ann, tags: [] } as never)).toThrow(/many-to-many/)
      await expect(justice.tags.add(999_999)).rejects.toBeInstanceOf(IntegrityError)
    })
  })

  describe('onDelete, done by the ORM with delete signals per instance', () => {
    const events: string[] = []
    const label = (payload: DeletePayload) => {
      const instance = payload.instance as { pk: unknown; constructor: { meta: { objectName: string } } }
      return `${instance.constructor.meta.objectName}:${String(instance.pk)}`
    }
    const pre = (payload: DeletePayload) => {
      events.push(`pre ${label(payload)}`)
    }
    const post = (payload: DeletePayload) => {
      events.push(`post ${label(payload)}`)
    }
    beforeEach(() => {
      events.length = 0
      preDelete.connect(pre)
      postDelete.connect(post)
    })
    afterEach(() => {
      preDelete.disconnect(pre)
      postDelete.disconnect(post)
    })

    async function shelf(code: string) {
      return Shelf.objects.create({ code })
    }

    it('CASCADE deletes the dependents first, with signals for every row', async () => {
      const { ann, justice, sword } = await seed()
      const review = await Review.objects.create({ book: justice, stars: 4 })
      const result = await ann.delete()
      expect(result.perModel).toEqual({ 'rel.Author': 1, 'rel.Book': 2, 'rel.Review': 1 })
      expect(result.deleted).toBe(4)
      for (const name of [`Author:${ann.id}`, `Book:${justice.id}`, `Book:${sword.id}`, `Review:${review.id}`]) {
        expect(events).toContain(`pre ${name}`)
        expect(events).toContain(`post ${name}`)
      }
      expect(events).toHaveLength(8)
      expect(events.indexOf(`post Review:${review.id}`)).toBeLessThan(events.indexOf(`post Author:${ann.id}`))
      expect(await Book.objects.count()).toBe(1)

      const s = await shelf('main')
      await CascadeItem.objects.bulkCreate([{ shelf: s }, { shelf: s }])
      events.length = 0
      await Shelf.objects.filter({ code: 'main' }).delete()
      expect(await CascadeItem.objects.count()).toBe(0)
      expect(events.filter((e) => e.startsWith('post CascadeItem'))).toHaveLength(2)
    })

    it('PROTECT and RESTRICT refuse with ProtectedError and delete nothing', async () => {
      const kept = await shelf('kept')
      await ProtectedItem.objects.create({ shelf: kept })
      await CascadeItem.objects.create({ shelf: kept })
      await expect(kept.delete()).rejects.toBeInstanceOf(ProtectedError)
      await expect(kept.delete()).rejects.toThrow(/rel\.ProtectedItem\.shelf \(onDelete PROTECT\)/)
      expect(await CascadeItem.objects.count()).toBe(1)
      expect(await Shelf.objects.count()).toBe(1)
      expect(events.filter((e) => e.startsWith('post'))).toEqual([])

      const restricted = await shelf('restricted')
      await RestrictedItem.objects.create({ shelf: restricted })
      await expect(restricted.delete()).rejects.toBeInstanceOf(ProtectedError)
      await expect(restricted.delete()).rejects.toBeInstanceOf(IntegrityError)
      expect(await Shelf.objects.filter({ code: 'restricted' }).exists()).toBe(true)
    })

    it('SET_NULL and SET_DEFAULT update the dependents and keep them', async () => {
      await shelf('spare')
      const old = await shelf('old')
      const nulling = await NullingItem.objects.create({ shelf: old })
      const defaulting = await DefaultingItem.objects.create({ shelf: old })
      const result = await old.delete()
      expect(result.perModel).toEqual({ 'rel.Shelf': 1 })
      expect(events).toEqual(['pre Shelf:old', 'post Shelf:old'])
      expect((await NullingItem.objects.get({ pk: nulling.id })).shelfId).toBeNull()
      expect((await DefaultingItem.objects.get({ pk: defaulting.id })).shelfId).toBe('spare')

      const { acme, ann } = await seed()
      await acme.delete()
      expect((await Author.objects.get({ pk: ann.id })).publisherId).toBeNull()
    })

    it('DO_NOTHING leaves the dependents to the database, which refuses the dangling key', async () => {
      const free = await shelf('free')
      await free.delete()
      expect(await Shelf.objects.count()).toBe(0)
      const held = await shelf('held')
      await IgnoredItem.objects.create({ shelf: held })
      await expect(held.delete()).rejects.toBeInstanceOf(IntegrityError)
      expect(await Shelf.objects.filter({ code: 'held' }).exists()).toBe(true)
      expect(await IgnoredItem.objects.count()).toBe(1)
    })
  })
})
