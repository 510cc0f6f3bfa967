/**
 * Q nesting, F arithmetic in filters and updates, aggregate() / annotate() (grouping over a
 * reverse relation), distinct, slicing, ordering (descending, relation paths), only/defer,
 * values/valuesList, inBulk, explain() and the compiled-shape cache, on every backend.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Avg, Count, F, FieldError, Max, Min, Q, Sum } from '../../../src/index.js'
import { compileCacheStats } from '../../../src/query/statements.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Title, Writer } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'

const T = '"conf_title"'
const col = (name: string) => `${T}."${name}"`

describe.each(testBackends())('expressions and aggregates on %s', (backend: TestBackend) => {
  const pg = backend === 'postgres'
  const v = <X>(onPg: X, onSqlite: X): X => (pg ? onPg : onSqlite)
  const p = (n: number) => (pg ? `$${n}` : '?')

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'conf_expr', CONF_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate(CONF_MODELS))

  async function seed() {
    const ann = await Writer.objects.create({ name: 'Ann', age: 58, email: 'ann@x.org' })
    const bob = await Writer.objects.create({ name: 'Bob', age: 40 })
    const cat = await Writer.objects.create({ name: 'Cat', age: 50 })
    const dan = await Writer.objects.create({ name: 'Dan', age: 30 }) // no titles
    const make = (title: string, writer: typeof ann, pages: number, minPages: number, rating: number | null) =>
      Title.objects.create({ title, writer, pages, minPages, rating })
    await make('A1', ann, 100, 50, 4)
    await make('A2', ann, 200, 250, 5)
    await make('A3', ann, 300, 100, null)
    await make('B1', bob, 10, 20, 2)
    await make('C1', cat, 50, 10, 3)
    await make('C2', cat, 70, 70, 3)
    return { ann, bob, cat, dan }
  }

  const titlesOf = async (qs: PromiseLike<Array<{ title: string }>>) => (await qs).map((t) => t.title).sort()

  it('nests Q with and / or / not, and combines it with keyword filters', async () => {
    await seed()
    const qs = Title.objects.filter(
      Q.or(Q({ pages__gte: 300 }), Q.and(Q({ title__startswith: 'C' }), Q.not(Q({ pages: 50 })))),
      { rating__isnull: false },
    )
    const { sql, params } = qs.toSQL()
    expect(sql).toContain(
      ` WHERE ((${col('pages')} >= ${p(1)}) OR ((${v(`${col('title')}::text LIKE $2`, `${col('title')} GLOB ?`)}) AND (NOT (${col('pages')} = ${p(3)})))) AND (${col('rating')} IS NOT NULL)`,
    )
    expect(params).toEqual([300, v('C%', 'C*'), 50])
    expect(await titlesOf(qs)).toEqual(['C2'])
    // method chaining forms build the same trees
    const chained = Title.objects.filter(
      Q({ pages__lt: 20 })
        .or(Q({ pages__gt: 250 }))
        .and(Q({ title__contains: '1' })),
    )
    expect(await titlesOf(chained)).toEqual(['B1'])
    expect(await titlesOf(Title.objects.filter(Q({ title__startswith: 'A' }).not()))).toEqual(['B1', 'C1', 'C2'])
    // exclude() with several keywords negates their conjunction (Django semantics)
    expect(await titlesOf(Title.objects.exclude({ title__startswith: 'A', pages__gt: 150 }))).toEqual([
      'A1',
      'B1',
      'C1',
      'C2',
    ])
    // an empty Q.or matches nothing, an empty Q.and everything
    expect(await Title.objects.filter(Q.or()).count()).toBe(0)
    expect(await Title.objects.filter(Q.and()).count()).toBe(6)
    // a reverse span inside Q.not
    expect((await Writer.objects.exclude(Q({ titles__pages__gte: 100 })).orderBy('name')).map((w) => w.name)).toEqual([
      'Bob',
      'Cat',
      'Dan',
    ])
  })

  it('exclude() keeps NULLs and means "no related row matches" across reverse relations (Django semantics)', async () => {
    const { ann, bob } = await seed()
    // NOT (rating = 3) alone would drop the NULL rating as well
    const notThree = Title.objects.exclude({ rating: 3 })
    expect(notThree.toSQL().sql).toContain(` WHERE NOT (${col('rating')} = ${p(1)} AND ${col('rating')} IS NOT NULL)`)
    expect(await titlesOf(notThree)).toEqual(['A1', 'A2', 'A3', 'B1'])
    expect(await titlesOf(Title.objects.filter(Q.not(Q({ rating__gte: 4 }))))).toEqual(['A3', 'B1', 'C1', 'C2'])
    // a double negation is a plain filter again
    expect(await titlesOf(Title.objects.filter(Q.not(Q.not(Q({ rating__gte: 4 })))))).toEqual(['A1', 'A2'])
    // through a LEFT JOIN (nullable editor): rows without an editor stay
    await Title.objects.filter({ title: 'A1' }).update({ editor: bob })
    await Title.objects.filter({ title: 'B1' }).update({ editor: ann })
    expect(await titlesOf(Title.objects.exclude({ editor__name: 'Bob' }))).toEqual(['A2', 'A3', 'B1', 'C1', 'C2'])
    expect(await titlesOf(Title.objects.exclude({ editor: bob }))).toEqual(['A2', 'A3', 'B1', 'C1', 'C2'])
    // a reverse relation: writers with no title of 100+ pages, once each, writers without titles included
    const qs = Writer.objects.exclude(Q({ titles__pages__gte: 100 }))
    expect(qs.toSQL().sql).toContain(
      ` WHERE NOT ("conf_writer"."id" IN (SELECT ${col('writer_id')} FROM ${T} WHERE (${col('pages')} >= ${p(1)}) AND ${col('writer_id')} IS NOT NULL))`,
    )
    expect(qs.toSQL().sql).not.toContain('JOIN')
    expect((await qs).map((w) => w.name)).toEqual(['Bob', 'Cat', 'Dan'])
    expect(await qs.count()).toBe(3)
    // UPDATE and DELETE take the same condition
    expect(await qs.update({ age: F('age').add(1) })).toBe(3)
    expect((await Writer.objects.orderBy('name').valuesList('age', { flat: true })) as number[]).toEqual([
      58, 41, 51, 31,
    ])
    // combined with other conditions inside the NOT, and after forward joins
    expect(
      (await Writer.objects.exclude(Q({ titles__title__startswith: 'C' }), { age__lt: 35 })).map((w) => w.name),
    ).toEqual(['Ann', 'Bob'])
    expect(await titlesOf(Title.objects.exclude(Q({ writer__titles__pages__lt: 20 })))).toEqual([
      'A1',
      'A2',
      'A3',
      'C1',
      'C2',
    ])
    // isnull over a reverse relation keeps the join form
    expect((await Writer.objects.exclude(Q({ titles__isnull: false }))).map((w) => w.name)).toEqual(['Dan'])
    // positive filters across a reverse relation still join
    expect(Writer.objects.filter(Q({ titles__pages__gte: 100 })).toSQL().sql).toContain('LEFT OUTER JOIN')
  })

  it('compares columns with F and F arithmetic', async () => {
    await seed()
    const qs = Title.objects.filter({ pages__gt: F('minPages').mul(2) })
    expect(qs.toSQL().sql).toContain(` WHERE ${col('pages')} > (${col('min_pages')} * ${p(1)})`)
    expect(qs.toSQL().params).toEqual([2])
    expect(await titlesOf(qs)).toEqual(['A3', 'C1'])
    expect(await titlesOf(Title.objects.filter({ pages: F('minPages') }))).toEqual(['C2'])
    expect(await titlesOf(Title.objects.filter({ pages__lt: F('minPages') }))).toEqual(['A2', 'B1'])
    expect(await titlesOf(Title.objects.filter({ pages__lte: F('minPages').add(F('minPages')).sub(50) }))).toEqual([
      'A2',
      'C2',
    ])
    // across a relation: pages greater than the writer's age
    expect(await titlesOf(Title.objects.filter({ pages__gt: F('writer__age') }))).toEqual(['A1', 'A2', 'A3', 'C2'])
  })

  it('updates with F arithmetic in one statement', async () => {
    const { ann } = await seed()
    const qs = Title.objects.filter({ writer: ann })
    const n = await qs.update({ pages: F('pages').add(1), minPages: F('pages').mul(2).sub(F('minPages')) })
    expect(n).toBe(3)
    const rows = await Title.objects.filter({ writer: ann }).orderBy('title').valuesList('pages', 'minPages')
    // SET reads the old values on every vendor
    expect(rows).toEqual([
      [101, 150],
      [201, 150],
      [301, 500],
    ])
    await Title.objects.filter({ title: 'C2' }).update({ pages: F('pages').div(7) })
    expect((await Title.objects.get({ title: 'C2' })).pages).toBe(10)
    // a filter across a relation becomes a pk subquery (UPDATE cannot join)
    const viaRelation = Title.objects.filter({ writer__name: 'Bob' })
    expect(await viaRelation.update({ pages: F('pages').mul(3) })).toBe(1)
    expect((await Title.objects.get({ title: 'B1' })).pages).toBe(30)
  })

  it('refuses an F that needs a join in update() with a FieldError', async () => {
    await seed()
    await expect(Title.objects.filter({ title: 'A1' }).update({ pages: F('writer__age') })).rejects.toThrow(FieldError)
  })

  it('aggregate() with Count, Sum, Avg, Min and Max', async () => {
    await seed()
    const qs = Title.objects.filter({ pages__gte: 50 })
    const result = await qs.aggregate({
      n: Count(),
      rated: Count('rating'),
      writers: Count('writer', { distinct: true }),
      total: Sum('pages'),
      mean: Avg('pages'),
      low: Min('pages'),
      high: Max('rating'),
    })
    expect(result).toEqual({ n: 5, rated: 4, writers: 2, total: 720, mean: 144, low: 50, high: 5 })
    // nothing matches: counts are 0, the rest null
    expect(await Title.objects.filter({ pages__gt: 10_000 }).aggregate({ n: Count(), s: Sum('pages') })).toEqual({
      n: 0,
      s: null,
    })
    const sqlOf = Title.objects.all()
    void sqlOf
    // across a relation
    expect(await Writer.objects.aggregate({ pages: Sum('titles__pages') })).toEqual({ pages: 730 })
    expect(await Title.objects.aggregate({ oldest: Max('writer__age') })).toEqual({ oldest: 58 })
    // MIN / MAX read like their field: a DateTimeField gives a Date on every vendor
    await Title.objects.filter({ title: 'A1' }).update({ publishedAt: new Date('2020-01-02T03:04:05Z') })
    await Title.objects.filter({ title: 'B1' }).update({ publishedAt: new Date('2021-06-07T08:09:10Z') })
    const span = await Title.objects.aggregate({ first: Min('publishedAt'), last: Max('publishedAt') })
    expect(span).toEqual({ first: new Date('2020-01-02T03:04:05Z'), last: new Date('2021-06-07T08:09:10Z') })
    const latest = await Writer.objects.annotate({ latest: Max('titles__publishedAt') }).orderBy('name')
    expect(latest.map((w) => (w as unknown as { latest: Date | null }).latest)).toEqual([
      new Date('2020-01-02T03:04:05Z'),
      new Date('2021-06-07T08:09:10Z'),
      null,
      null,
    ])
  })

  it('Count of a NOT NULL column of the queried table is COUNT(*); a nullable or joined one keeps its column', async () => {
    await seed()
    const byName = Writer.objects
      .values('name')
      .annotate({ n: Count('id') })
      .orderBy('name')
    expect(byName.toSQL().sql).toContain(`COUNT(*)${v('::integer', '')} AS "n"`)
    expect((await byName).every((row) => (row as unknown as { n: number }).n === 1)).toBe(true)
    expect(await Writer.objects.aggregate({ n: Count('id') })).toEqual({ n: await Writer.objects.count() })
    expect(Writer.objects.annotate({ n: Count('id', { distinct: true }) }).toSQL().sql).toContain('COUNT(DISTINCT')
    expect(Writer.objects.annotate({ n: Count('titles') }).toSQL().sql).toContain('COUNT("T1"."id")')
    const emails = await Writer.objects.aggregate({ n: Count('email') })
    expect(
      Writer.objects
        .values('name')
        .annotate({ n: Count('email') })
        .toSQL().sql,
    ).toContain('COUNT("conf_writer"."email")')
    expect(emails).toEqual({ n: await Writer.objects.filter({ email__isnull: false }).count() })
  })

  it('annotate() with Count over a reverse relation groups per writer, writers without titles included', async () => {
    await seed()
    const qs = Writer.objects.annotate({ n: Count('titles'), pages: Sum('titles__pages') }).orderBy('name')
    const { sql } = qs.toSQL()
    expect(sql).toContain(`COUNT("T1"."id")${v('::integer', '')} AS "n"`)
    expect(sql).toContain('LEFT OUTER JOIN "conf_title" AS "T1" ON "T1"."writer_id" = "conf_writer"."id"')
    expect(sql).toMatch(/ GROUP BY "conf_writer"\."id"/)
    const rows = await qs
    expect(
      rows.map((w) => [w.name, (w as unknown as { n: number }).n, (w as unknown as { pages: unknown }).pages]),
    ).toEqual([
      ['Ann', 3, 600],
      ['Bob', 1, 10],
      ['Cat', 2, 120],
      ['Dan', 0, null],
    ])
    // values() + annotate: one row per group
    const perWriter = await Title.objects
      .values('writer__name')
      .annotate({ n: Count(), avg: Avg('pages') })
      .orderBy('writer__name')
    expect(perWriter).toEqual([
      { writer__name: 'Ann', n: 3, avg: 200 },
      { writer__name: 'Bob', n: 1, avg: 10 },
      { writer__name: 'Cat', n: 2, avg: 60 },
    ])
    // count() of an annotated queryset counts the groups
    expect(await Writer.objects.annotate({ n: Count('titles') }).count()).toBe(4)
    // filter before annotate restricts the rows counted
    const rated = await Writer.objects
      .filter(Q({ titles__rating__gte: 3 }))
      .annotate({ n: Count('titles') })
      .orderBy('name')
    expect(rated.map((w) => [w.name, (w as unknown as { n: number }).n])).toEqual([
      ['Ann', 2],
      ['Cat', 2],
    ])
  })

  it('orders by an annotation', async () => {
    await seed()
    const rows = await Writer.objects.annotate({ n: Count('titles') }).orderBy('-n' as never, 'name')
    expect(rows.map((w) => w.name)).toEqual(['Ann', 'Cat', 'Bob', 'Dan'])
  })

  it('distinct, limit and offset', async () => {
    await seed()
    const names = Title.objects.orderBy('writer__name').values('writer__name').distinct()
    expect(names.toSQL().sql).toMatch(/^SELECT DISTINCT "T1"."name" AS "writer__name" FROM/)
    expect(await names).toEqual([{ writer__name: 'Ann' }, { writer__name: 'Bob' }, { writer__name: 'Cat' }])
    const page = Title.objects.orderBy('pages').offset(2).limit(2)
    expect(page.toSQL().sql).toMatch(
      new RegExp(
        ` ORDER BY ${col('pages').replace(/"/g, '"')} ASC LIMIT ${v('\\$1', '2')} OFFSET ${v('\\$2', '\\?')}$`,
      ),
    )
    // SQLite and libsql get the limit as a literal (they plan a bound LIMIT slower)
    expect(page.toSQL().params).toEqual(v([2, 2], [2]))
    expect(await titlesOf(page)).toEqual(['A1', 'C2'])
    const skip = Title.objects.orderBy('pages').offset(4)
    expect(skip.toSQL().sql).toMatch(v(/ OFFSET \$1$/, / LIMIT -1 OFFSET \?$/))
    expect(await titlesOf(skip)).toEqual(['A2', 'A3'])
    expect(await Title.objects.orderBy('pages').limit(0)).toEqual([])
    expect(await Title.objects.orderBy('pages').offset(2).limit(2).count()).toBe(2)
    expect(await Title.objects.values('writer').distinct().count()).toBe(3)
  })

  it('orderBy: ascending, -descending, relation paths, several keys, default ordering and reverse', async () => {
    await seed()
    const qs = Title.objects.orderBy('-writer__age', 'pages')
    expect(qs.toSQL().sql).toContain(' ORDER BY "T1"."age" DESC, "conf_title"."pages" ASC')
    expect((await qs).map((t) => t.title)).toEqual(['A1', 'A2', 'A3', 'C1', 'C2', 'B1'])
    expect((await Title.objects.orderBy('-pages').limit(2)).map((t) => t.title)).toEqual(['A3', 'A2'])
    // Writer's default ordering is ['name']
    expect(Writer.objects.all().toSQL().sql).toContain(' ORDER BY "conf_writer"."name" ASC')
    expect((await Writer.objects.all()).map((w) => w.name)).toEqual(['Ann', 'Bob', 'Cat', 'Dan'])
    expect((await Writer.objects.all().reverse()).map((w) => w.name)).toEqual(['Dan', 'Cat', 'Bob', 'Ann'])
    expect((await Title.objects.orderBy('-rating', 'title')).map((t) => t.title)).toEqual(
      // NULLs sort first descending on PostgreSQL, last on SQLite
      pg ? ['A3', 'A2', 'A1', 'C1', 'C2', 'B1'] : ['A2', 'A1', 'C1', 'C2', 'B1', 'A3'],
    )
    expect((await Writer.objects.first())?.name).toBe('Ann')
    expect((await Writer.objects.last())?.name).toBe('Dan')
    expect((await Title.objects.orderBy('-pages').first())?.title).toBe('A3')
  })

  it('only() and defer() load a subset of columns', async () => {
    const { ann } = await seed()
    const only = Title.objects.only('title').filter({ title: 'A1' })
    expect(only.toSQL().sql).toMatch(/^SELECT "conf_title"."id", "conf_title"."title" FROM/)
    const [one] = await only
    expect(one?.title).toBe('A1')
    expect(one?.pages).toBeUndefined()
    const deferred = Title.objects.defer('pages', 'rating').filter({ title: 'A2' })
    expect(deferred.toSQL().sql).not.toContain('"pages"')
    const [two] = await deferred
    expect(two?.pages).toBeUndefined()
    expect(two?.writerId).toBe(ann.id)
    expect(two?.minPages).toBe(250)
  })

  it('values() and valuesList(), flat and not', async () => {
    await seed()
    const rows = await Title.objects
      .filter({ title__in: ['A1', 'B1'] })
      .orderBy('title')
      .values('title', 'pages', 'writer__name')
    expect(rows).toEqual([
      { title: 'A1', pages: 100, writer__name: 'Ann' },
      { title: 'B1', pages: 10, writer__name: 'Bob' },
    ])
    const all = await Title.objects.filter({ title: 'B1' }).values()
    expect(Object.keys(all[0] ?? {}).sort()).toEqual(
      ['editorId', 'id', 'inPrint', 'minPages', 'pages', 'publishedAt', 'rating', 'title', 'writerId'].sort(),
    )
    expect(all[0]?.inPrint).toBe(true)
    const tuples = await Title.objects.orderBy('title').limit(2).valuesList('title', 'rating')
    expect(tuples).toEqual([
      ['A1', 4],
      ['A2', 5],
    ])
    const flat = await Title.objects.orderBy('-pages').valuesList('pages', { flat: true })
    expect(flat).toEqual([300, 200, 100, 70, 50, 10])
    expect(() => Title.objects.valuesList('title', 'pages', { flat: true } as never)).toThrow(FieldError)
  })

  it('inBulk() by pk and by a unique field', async () => {
    const { ann, bob } = await seed()
    const byPk = await Writer.objects.inBulk([ann.id, bob.id, 999_999])
    expect([...byPk.keys()].sort()).toEqual([ann.id, bob.id].sort())
    expect(byPk.get(ann.id)?.name).toBe('Ann')
    const byEmail = await Writer.objects.inBulk(['ann@x.org', 'none@x.org'], { fieldName: 'email' })
    expect([...byEmail.keys()]).toEqual(['ann@x.org'])
    expect(byEmail.get('ann@x.org')?.id).toBe(ann.id)
    expect((await Writer.objects.inBulk()).size).toBe(4)
    expect((await Writer.objects.inBulk([])).size).toBe(0)
    await expect(Writer.objects.inBulk(['Ann'], { fieldName: 'name' })).rejects.toThrow(/must be a unique field/)
  })

  it('explain() returns the plan as text, with analyze on PostgreSQL', async () => {
    await seed()
    const plan = await Title.objects.filter({ pages__gt: 5 }).explain()
    expect(typeof plan).toBe('string')
    expect(plan).toMatch(pg ? /Seq Scan|Index Scan|Bitmap/ : /SCAN|SEARCH/)
    const analyzed = await Title.objects.filter({ pages__gt: 5 }).explain({ analyze: true })
    if (pg) expect(analyzed, analyzed).toMatch(/actual time=.*rows=6 /)
    else expect(analyzed).toMatch(/SCAN|SEARCH/)
  })

  it('reuses the compiled SQL of a query shape whatever the values', async () => {
    await seed()
    const shape = (title: string, pages: number) =>
      Title.objects.filter({ title__startswith: title, pages__gte: pages })
    const first = shape('A', 150).toSQL()
    const before = { ...compileCacheStats }
    const second = shape('C', 60).toSQL()
    expect(compileCacheStats.hits).toBe(before.hits + 1)
    expect(compileCacheStats.misses).toBe(before.misses)
    expect(second.sql).toBe(first.sql)
    expect(second.params).toEqual([v('C%', 'C*'), 60])
    expect(await titlesOf(shape('A', 150))).toEqual(['A2', 'A3'])
    expect(await titlesOf(shape('C', 60))).toEqual(['C2'])
    // null changes the shape (IS NULL), and so does a different list length on SQLite
    const missesBefore = compileCacheStats.misses
    Title.objects.filter({ rating: null }).toSQL()
    expect(compileCacheStats.misses).toBe(missesBefore + 1)
    expect(Title.objects.filter({ rating: null }).toSQL().sql).toContain('IS NULL')
    expect(Title.objects.filter({ rating: 3 }).toSQL().sql).not.toContain('IS NULL')
    expect(await Title.objects.filter({ pages__in: [10, 50] }).count()).toBe(2)
    expect(await Title.objects.filter({ pages__in: [10, 50, 70] }).count()).toBe(3)
    expect(await Title.objects.filter({ pages__in: [10] }).count()).toBe(1)
  })
})
