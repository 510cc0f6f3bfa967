/**
 * Conformance of every lookup of API.md section 3: the SQL each vendor gets (placeholders, LIKE vs
 * GLOB, the ESCAPE, `= ANY($1)` vs `IN (?, ?)`, EXTRACT vs strftime) and the rows it returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Q, type QuerySet } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Title, Writer } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'

const T = '"conf_title"'
const col = (name: string) => `${T}."${name}"`

describe.each(testBackends())('lookups on %s', (backend: TestBackend) => {
  const pg = backend === 'postgres'
  /** The expected text per vendor: PostgreSQL, SQLite, and libsql when it differs from SQLite. */
  const v = <X>(onPg: X, onSqlite: X, onLibsql: X = onSqlite): X =>
    pg ? onPg : backend === 'sqlite' ? onSqlite : onLibsql
  const p = (n: number) => (pg ? `$${n}` : '?')
  const ids: Record<string, number> = {}

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'conf_lookups', CONF_MODELS)
    await truncate(CONF_MODELS)
    const ann = await Writer.objects.create({
      name: 'Ann Leckie',
      age: 58,
      email: 'ann@example.com',
      born: '1966-03-02',
    })
    const bob = await Writer.objects.create({ name: 'Bob', age: 40 })
    const cat = await Writer.objects.create({ name: 'Cat_%Valente', age: 50, email: 'cat@x.org', born: '1979-05-05' })
    ids.ann = ann.id
    ids.bob = bob.id
    ids.cat = cat.id
    const rows = [
      ['Ancillary Justice', ann, bob, 386, 300, 4.5, '2013-10-01T12:00:00Z', true],
      ['Ancillary Sword', ann, null, 356, 400, 4.1, '2014-10-07T12:00:00Z', true],
      ['Zero', bob, null, 5, 1, null, null, false],
      ['100% Pure_Fun', cat, ann, 120, 100, 3.0, '2014-02-14T12:00:00Z', true],
      ['the back\\slash', cat, null, 42, 50, 2.5, '2021-12-31T12:00:00Z', true],
    ] as const
    for (const [title, writer, editor, pages, minPages, rating, at, inPrint] of rows) {
      const t = await Title.objects.create({
        title,
        writer,
        editor,
        pages,
        minPages,
        rating,
        inPrint,
        publishedAt: at === null ? null : new Date(at),
      })
      ids[title] = t.id
    }
  })
  afterAll(teardownOrm)

  async function titles(qs: QuerySet<unknown, never, unknown>): Promise<string[]> {
    const rows = (await qs) as Array<{ title: string }>
    return rows.map((r) => r.title).sort()
  }

  /** Asserts the WHERE clause and params of `qs`, then returns the matching titles (sorted). */
  async function check(
    qs: QuerySet<unknown, never, unknown>,
    where: string,
    params: readonly unknown[],
  ): Promise<string[]> {
    const compiled = qs.toSQL()
    expect(compiled.sql).toContain(` WHERE ${where}`)
    expect(compiled.params).toEqual(params)
    return titles(qs)
  }
  // biome-ignore lint/suspicious/noExplicitAny: the filters below are deliberately untyped paths
  const f = (filters: Record<string, unknown>) => Title.objects.filter(filters as any) as any

  it('exact, including null and the explicit __exact', async () => {
    expect(await check(f({ title: 'Zero' }), `${col('title')} = ${p(1)}`, ['Zero'])).toEqual(['Zero'])
    expect(await check(f({ pages__exact: 42 }), `${col('pages')} = ${p(1)}`, [42])).toEqual(['the back\\slash'])
    expect(await check(f({ rating: null }), `${col('rating')} IS NULL`, [])).toEqual(['Zero'])
    expect(await check(f({ rating__exact: null }), `${col('rating')} IS NULL`, [])).toEqual(['Zero'])
    expect(await check(f({ inPrint: false }), `${col('in_print')} = ${p(1)}`, [v<unknown>(false, 0)])).toEqual(['Zero'])
    // exact is case-sensitive everywhere
    expect(await titles(f({ title: 'zero' }))).toEqual([])
  })

  it('iexact matches case-insensitively and never treats % or _ as wildcards', async () => {
    const where = v(`UPPER(${col('title')}::text) = UPPER(${p(1)})`, `${col('title')} LIKE ? ESCAPE '\\'`)
    expect(await check(f({ title__iexact: 'ZERO' }), where, ['ZERO'])).toEqual(['Zero'])
    expect(
      await check(f({ title__iexact: '100% pure_fun' }), where, [v('100% pure_fun', '100\\% pure\\_fun')]),
    ).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__iexact: 'zer_' }))).toEqual([])
    expect(await titles(f({ title__iexact: '%' }))).toEqual([])
    expect(await titles(f({ title__iexact: 'THE BACK\\SLASH' }))).toEqual(['the back\\slash'])
    expect(await check(f({ rating__iexact: null }), `${col('rating')} IS NULL`, [])).toEqual(['Zero'])
  })

  it('contains / startswith / endswith are case-sensitive: LIKE on PostgreSQL, GLOB on SQLite', async () => {
    const like = v(`${col('title')}::text LIKE ${p(1)}`, `${col('title')} GLOB ?`)
    expect(await check(f({ title__contains: 'Sword' }), like, [v('%Sword%', '*Sword*')])).toEqual(['Ancillary Sword'])
    expect(await titles(f({ title__contains: 'sword' }))).toEqual([])
    expect(await check(f({ title__startswith: 'Anc' }), like, [v('Anc%', 'Anc*')])).toEqual([
      'Ancillary Justice',
      'Ancillary Sword',
    ])
    expect(await titles(f({ title__startswith: 'anc' }))).toEqual([])
    expect(await check(f({ title__endswith: 'Fun' }), like, [v('%Fun', '*Fun')])).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__endswith: 'fun' }))).toEqual([])
  })

  it('contains treats %, _, \\, *, ? and [ literally', async () => {
    expect(f({ title__contains: '%' }).toSQL().params).toEqual([v('%\\%%', '*%*')])
    expect(await titles(f({ title__contains: '%' }))).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__contains: '_' }))).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__contains: '\\' }))).toEqual(['the back\\slash'])
    expect(await titles(f({ title__contains: 'k\\s' }))).toEqual(['the back\\slash'])
    expect(f({ title__contains: '*?[' }).toSQL().params).toEqual([v('%*?[%', '*[*][?][[]*')])
    expect(await titles(f({ title__contains: '*' }))).toEqual([])
    expect(await titles(f({ title__contains: '?' }))).toEqual([])
    expect(await titles(f({ title__contains: '[' }))).toEqual([])
    expect(await titles(f({ title__startswith: '100%' }))).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__startswith: '1_0' }))).toEqual([])
    expect(await titles(f({ title__endswith: 'e_Fun' }))).toEqual(['100% Pure_Fun'])
  })

  it('icontains / istartswith / iendswith: ILIKE on PostgreSQL, LIKE ... ESCAPE on SQLite', async () => {
    const ilike = v(`${col('title')}::text ILIKE ${p(1)}`, `${col('title')} LIKE ? ESCAPE '\\'`)
    expect(await check(f({ title__icontains: 'SWORD' }), ilike, ['%SWORD%'])).toEqual(['Ancillary Sword'])
    expect(await check(f({ title__istartswith: 'anc' }), ilike, ['anc%'])).toEqual([
      'Ancillary Justice',
      'Ancillary Sword',
    ])
    expect(await check(f({ title__iendswith: 'FUN' }), ilike, ['%FUN'])).toEqual(['100% Pure_Fun'])
    expect(await check(f({ title__icontains: '% p' }), ilike, ['%\\% p%'])).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__icontains: 'E_F' }))).toEqual(['100% Pure_Fun'])
    expect(await titles(f({ title__icontains: 'EXF' }))).toEqual([])
    expect(await titles(f({ title__icontains: 'K\\S' }))).toEqual(['the back\\slash'])
  })

  it('gt / gte / lt / lte on numbers, floats and dates', async () => {
    expect(await check(f({ pages__gt: 356 }), `${col('pages')} > ${p(1)}`, [356])).toEqual(['Ancillary Justice'])
    expect(await check(f({ pages__gte: 356 }), `${col('pages')} >= ${p(1)}`, [356])).toEqual([
      'Ancillary Justice',
      'Ancillary Sword',
    ])
    expect(await check(f({ pages__lt: 42 }), `${col('pages')} < ${p(1)}`, [42])).toEqual(['Zero'])
    expect(await check(f({ pages__lte: 42 }), `${col('pages')} <= ${p(1)}`, [42])).toEqual(['Zero', 'the back\\slash'])
    expect(await titles(f({ rating__gte: 4.1 }))).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(await titles(f({ rating__lt: 3 }))).toEqual(['the back\\slash'])
    const after = f({ publishedAt__gt: new Date('2014-06-01T00:00:00Z') })
    expect(after.toSQL().params).toEqual(['2014-06-01T00:00:00.000Z'])
    expect(await titles(after)).toEqual(['Ancillary Sword', 'the back\\slash'])
    expect(await titles(f({ publishedAt__lte: '2014-02-14T12:00:00Z' }))).toEqual([
      '100% Pure_Fun',
      'Ancillary Justice',
    ])
  })

  it('in: one array parameter on PostgreSQL, one placeholder per item on SQLite', async () => {
    expect(
      await check(
        f({ pages__in: [5, 42] }),
        v(`${col('pages')} = ANY($1)`, `${col('pages')} IN (?, ?)`),
        v([[5, 42]], [5, 42]),
      ),
    ).toEqual(['Zero', 'the back\\slash'])
    expect(
      await check(
        f({ title__in: ['Zero', 'nope', '100% Pure_Fun'] }),
        v(`${col('title')} = ANY($1)`, `${col('title')} IN (?, ?, ?)`),
        v([['Zero', 'nope', '100% Pure_Fun']], ['Zero', 'nope', '100% Pure_Fun']),
      ),
    ).toEqual(['100% Pure_Fun', 'Zero'])
    expect(await titles(f({ pages__in: new Set([386]) }))).toEqual(['Ancillary Justice'])
    expect(await titles(f({ writer__in: [ids.bob, ids.cat] }))).toEqual(['100% Pure_Fun', 'Zero', 'the back\\slash'])
    expect(await titles(f({ pk__in: [ids.Zero] }))).toEqual(['Zero'])
  })

  it('in with an empty list matches nothing, and its negation everything', async () => {
    expect(await check(f({ pages__in: [] }), '1 = 0', [])).toEqual([])
    expect(await Title.objects.filter({ pages__in: [] }).count()).toBe(0)
    expect(await Title.objects.exclude({ pages__in: [] }).count()).toBe(5)
    expect(await Title.objects.filter(Q.or(Q({ pages__in: [] }), Q({ pages: 5 }))).count()).toBe(1)
  })

  it('range is inclusive at both ends', async () => {
    expect(
      await check(f({ pages__range: [120, 356] }), `${col('pages')} BETWEEN ${p(1)} AND ${p(2)}`, [120, 356]),
    ).toEqual(['100% Pure_Fun', 'Ancillary Sword'])
    expect(await titles(f({ publishedAt__date__range: ['2014-01-01', '2014-12-31'] }))).toEqual([
      '100% Pure_Fun',
      'Ancillary Sword',
    ])
  })

  it('isnull true / false, on plain and ForeignKey columns', async () => {
    expect(await check(f({ rating__isnull: true }), `${col('rating')} IS NULL`, [])).toEqual(['Zero'])
    expect(await check(f({ rating__isnull: false }), `${col('rating')} IS NOT NULL`, [])).toHaveLength(4)
    expect(await check(f({ editor__isnull: true }), `${col('editor_id')} IS NULL`, [])).toEqual([
      'Ancillary Sword',
      'Zero',
      'the back\\slash',
    ])
    expect(await titles(f({ editor__isnull: false }))).toEqual(['100% Pure_Fun', 'Ancillary Justice'])
    expect((await Writer.objects.filter({ email__isnull: true })).map((w) => w.name)).toEqual(['Bob'])
  })

  it('regex and iregex', async () => {
    expect(
      await check(f({ title__regex: '^Anc.*d$' }), v(`${col('title')}::text ~ $1`, `${col('title')} REGEXP ?`), [
        '^Anc.*d$',
      ]),
    ).toEqual(['Ancillary Sword'])
    expect(await titles(f({ title__regex: '^anc' }))).toEqual([])
    expect(
      await check(
        f({ title__iregex: '^anc.*D$' }),
        v(
          `${col('title')}::text ~* $1`,
          `${col('title')} REGEXP '(?i)' || ?`,
          `lower(${col('title')}) REGEXP lower(?)`,
        ),
        ['^anc.*D$'],
      ),
    ).toEqual(['Ancillary Sword'])
    expect(await titles(f({ title__regex: '[0-9]+% ' }))).toEqual(['100% Pure_Fun'])
  })

  it('date / year / month / day transforms, with a lookup after them (year__gte)', async () => {
    const at = col('published_at')
    expect(
      await check(f({ publishedAt__date: '2014-10-07' }), v(`(${at})::date = $1`, `date(${at}) = ?`), ['2014-10-07']),
    ).toEqual(['Ancillary Sword'])
    expect(await titles(f({ publishedAt__date: new Date('2014-10-07T12:00:00Z') }))).toEqual(['Ancillary Sword'])
    const year = v(`EXTRACT(YEAR FROM ${at})::integer`, `CAST(strftime('%Y', ${at}) AS INTEGER)`)
    expect(await check(f({ publishedAt__year: 2014 }), `${year} = ${p(1)}`, [2014])).toEqual([
      '100% Pure_Fun',
      'Ancillary Sword',
    ])
    expect(await check(f({ publishedAt__year__gte: 2014 }), `${year} >= ${p(1)}`, [2014])).toEqual([
      '100% Pure_Fun',
      'Ancillary Sword',
      'the back\\slash',
    ])
    expect(await titles(f({ publishedAt__year__lt: 2014 }))).toEqual(['Ancillary Justice'])
    expect(await titles(f({ publishedAt__year__in: [2013, 2021] }))).toEqual(['Ancillary Justice', 'the back\\slash'])
    const month = v(`EXTRACT(MONTH FROM ${at})::integer`, `CAST(strftime('%m', ${at}) AS INTEGER)`)
    expect(await check(f({ publishedAt__month: 10 }), `${month} = ${p(1)}`, [10])).toEqual([
      'Ancillary Justice',
      'Ancillary Sword',
    ])
    expect(await titles(f({ publishedAt__month__lte: 2 }))).toEqual(['100% Pure_Fun'])
    const day = v(`EXTRACT(DAY FROM ${at})::integer`, `CAST(strftime('%d', ${at}) AS INTEGER)`)
    expect(await check(f({ publishedAt__day: 31 }), `${day} = ${p(1)}`, [31])).toEqual(['the back\\slash'])
    expect(await titles(f({ publishedAt__day__gt: 6 }))).toEqual([
      '100% Pure_Fun',
      'Ancillary Sword',
      'the back\\slash',
    ])
    // a null date matches no transform
    expect(await titles(f({ publishedAt__year__lt: 3000 }))).not.toContain('Zero')
    // a DateField (a date, not an instant)
    expect((await Writer.objects.filter({ born__year: 1966 })).map((w) => w.name)).toEqual(['Ann Leckie'])
    expect((await Writer.objects.filter({ born__month__gte: 4 })).map((w) => w.name)).toEqual(['Cat_%Valente'])
    expect((await Writer.objects.filter({ born__lt: '1970-01-01' })).map((w) => w.name)).toEqual(['Ann Leckie'])
  })

  it('lookups span forward relations with joins and reverse ones with LEFT JOINs', async () => {
    const qs = f({ writer__name__startswith: 'Cat_%' })
    const { sql, params } = qs.toSQL()
    expect(sql).toContain(`INNER JOIN "conf_writer" AS "T1" ON "T1"."id" = ${col('writer_id')}`)
    expect(params).toEqual([v('Cat\\_\\%%', 'Cat_%*')])
    expect(await titles(qs)).toEqual(['100% Pure_Fun', 'the back\\slash'])
    expect(await titles(f({ writer__name__startswith: 'Cat%' }))).toEqual([])
    expect(await titles(f({ writer__born__year__lt: 1970 }))).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    // the nullable editor FK joins with a LEFT JOIN
    const edited = f({ editor__name: 'Bob' })
    expect(edited.toSQL().sql).toContain(`LEFT OUTER JOIN "conf_writer" AS "T1" ON "T1"."id" = ${col('editor_id')}`)
    expect(await titles(edited)).toEqual(['Ancillary Justice'])
    expect(await titles(f({ writer: ids.ann, editor__isnull: false }))).toEqual(['Ancillary Justice'])
    const reverse = Writer.objects.filter(Q({ titles__pages__gt: 300 })).distinct()
    expect(reverse.toSQL().sql).toMatch(
      /^SELECT DISTINCT .* LEFT OUTER JOIN "conf_title" AS "T1" ON "T1"."writer_id" = "conf_writer"."id"/,
    )
    expect((await reverse).map((w) => w.name)).toEqual(['Ann Leckie'])
    expect((await Writer.objects.filter(Q({ edited__title__icontains: 'pure' }))).map((w) => w.name)).toEqual([
      'Ann Leckie',
    ])
  })

  it('takes model instances and raw keys for relations, and pk for the primary key', async () => {
    const ann = await Writer.objects.get({ pk: ids.ann })
    const byInstance = f({ writer: ann })
    expect(byInstance.toSQL()).toMatchObject({ params: [ids.ann] })
    expect(await titles(byInstance)).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(await titles(f({ writerId: ids.ann }))).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(await titles(f({ writer__id: ids.ann }))).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(await titles(f({ writer__pk: ids.ann }))).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(f({ writer__id: ids.ann }).toSQL().sql).not.toContain('JOIN')
    expect(await titles(f({ writer__in: [ann] }))).toEqual(['Ancillary Justice', 'Ancillary Sword'])
    expect(await titles(f({ pk: ids.Zero }))).toEqual(['Zero'])
    expect(await titles(f({ id__gte: ids['100% Pure_Fun'] }))).toEqual(['100% Pure_Fun', 'the back\\slash'])
  })
})
