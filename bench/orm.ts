/**
 * ORM benchmark: dorm's QuerySet next to raw `pg` (a pg.Pool running the same SQL), same server,
 * same pool size, PREPARE_THRESHOLD off on dorm so both send identical protocol messages.
 *
 *   npm run bench -- orm         (starts a throwaway PostgreSQL 15 unless DORM_BENCH_PG_URL is set)
 *
 * Measures (median of paired rounds): PK read, a 20-row filtered page, a 10k-row fetch as
 * instances and as values(), then the compile cost of a cached query shape and the hydration cost
 * per row, both in-process.
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import {
  BooleanField,
  CharField,
  closeAll,
  configure,
  createModelSql,
  DateTimeField,
  defineModel,
  dropModelSql,
  ForeignKey,
  getConnection,
  IntegerField,
} from '../packages/engine/src/index.js'
import { dialectFor } from '../packages/engine/src/query/dialects.js'
import { hydrateInstances } from '../packages/engine/src/query/hydrate.js'
import { compileSelect } from '../packages/engine/src/query/statements.js'
import { benchUrl, type Comparison, compare, median, packageVersion, pinCores, printTable } from './support/harness.js'

const url = benchUrl('orm')
const ROWS = 10_000

const Author = defineModel('bench.Author', {
  fields: { name: new CharField({ maxLength: 100 }), age: new IntegerField({ default: 0 }) },
})
const Book = defineModel('bench.Book', {
  fields: {
    title: new CharField({ maxLength: 200 }),
    author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }),
    pages: new IntegerField({ default: 0 }),
    inPrint: new BooleanField({ default: true }),
    publishedAt: new DateTimeField({ null: true }),
  },
})

async function seed(): Promise<void> {
  const connection = getConnection()
  const dialect = dialectFor('postgresql')
  for (const model of [Book, Author]) await connection.execute(dropModelSql(model, dialect))
  for (const model of [Author, Book]) for (const sql of createModelSql(model, dialect)) await connection.execute(sql)
  const authors = await Author.objects.bulkCreate(
    Array.from({ length: 100 }, (_, i) => ({ name: `author ${i}`, age: 20 + (i % 50) })),
  )
  await Book.objects.bulkCreate(
    Array.from({ length: ROWS }, (_, i) => ({
      title: `book ${i}`,
      author: authors[i % authors.length],
      pages: i % 1000,
      publishedAt: new Date(1_600_000_000_000 + i * 60_000),
    })),
  )
  await connection.execute('ANALYZE')
}

const COLUMNS =
  '"bench_book"."id", "bench_book"."title", "bench_book"."author_id" AS "authorId", "bench_book"."pages", ' +
  '"bench_book"."in_print" AS "inPrint", "bench_book"."published_at" AS "publishedAt"'

async function main(): Promise<void> {
  configure({ DATABASES: { default: { URL: url, MIN_POOL_SIZE: 1, MAX_POOL_SIZE: 10, PREPARE_THRESHOLD: null } } })
  await seed()
  const raw = new pg.Pool({ connectionString: url, max: 10, min: 1 })
  await raw.query('SELECT 1')
  const placement = await pinCores(raw)
  const results: Comparison[] = []
  let id = 0
  const nextId = () => (id = (id % ROWS) + 1)

  results.push(
    await compare(
      'PK read: get({ pk })',
      150,
      40,
      () => Book.objects.get({ pk: nextId() }),
      () => raw.query(`SELECT ${COLUMNS} FROM "bench_book" WHERE "bench_book"."id" = $1 LIMIT $2`, [nextId(), 2]),
    ),
  )
  results.push(
    await compare(
      '20-row page: filter + orderBy + limit',
      150,
      20,
      () => Book.objects.filter({ pages__gte: 500 }).orderBy('id').limit(20),
      () =>
        raw.query(
          `SELECT ${COLUMNS} FROM "bench_book" WHERE "bench_book"."pages" >= $1 ORDER BY "bench_book"."id" ASC LIMIT $2`,
          [500, 20],
        ),
    ),
  )
  results.push(
    await compare(
      `${ROWS} rows as instances`,
      15,
      1,
      () => Book.objects.all(),
      () => raw.query(`SELECT ${COLUMNS} FROM "bench_book"`),
      'ms',
    ),
  )
  results.push(
    await compare(
      `${ROWS} rows as values()`,
      15,
      1,
      () => Book.objects.values('id', 'title', 'authorId', 'pages', 'inPrint', 'publishedAt'),
      () => raw.query(`SELECT ${COLUMNS} FROM "bench_book"`),
      'ms',
    ),
  )
  for (const r of results) if (r.unit === 'ms') Object.assign(r, { dorm: r.dorm / 1000, raw: r.raw / 1000 })

  // compile cost of a shape already in the cache, with new values each time: the states are built
  // before the clock starts (building a QuerySet is measured on its own)
  const dialect = dialectFor('postgresql')
  const compileRounds: number[] = []
  const buildRounds: number[] = []
  for (let round = 0; round < 50; round++) {
    const n = 2000
    const built = performance.now()
    const states = Array.from(
      { length: n },
      (_, i) => Book.objects.filter({ pages__gte: i, title__startswith: 'b' }).orderBy('id').limit(20).state,
    )
    buildRounds.push(((performance.now() - built) * 1000) / n)
    const start = performance.now()
    for (const state of states) compileSelect(state, dialect)
    compileRounds.push(((performance.now() - start) * 1000) / n)
  }
  // hydration per row: rows already fetched, instances built n times
  const qs = Book.objects.all()
  const compiled = compileSelect(qs.state, dialect)
  const { rows } = await getConnection().execute(compiled.sql, compiled.params)
  const hydrateRounds: number[] = []
  for (let round = 0; round < 20; round++) {
    const start = performance.now()
    hydrateInstances(qs.state, compiled.columns, rows, 'postgresql', 'default')
    hydrateRounds.push(((performance.now() - start) * 1_000_000) / rows.length)
  }

  const server = (await raw.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version
  console.log(`dorm ORM benchmark: node ${process.version}, pg ${packageVersion('pg')}, PostgreSQL ${server}`)
  console.log(`placement: ${placement}; dorm PREPARE_THRESHOLD off; pool size 10; ${ROWS} books\n`)
  printTable('', results, 'raw pg')
  console.log(
    `\ncompile of a cached shape (new values): ${median(compileRounds).toFixed(2)} µs; building the QuerySet: ${median(buildRounds).toFixed(2)} µs`,
  )
  console.log(`hydration into instances: ${median(hydrateRounds).toFixed(0)} ns per row (6 columns, one DateTimeField)`)
  await closeAll()
  await raw.end()
}

await main()
