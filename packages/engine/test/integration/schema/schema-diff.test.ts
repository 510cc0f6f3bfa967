/**
 * Introspection and `diffSchema` on every backend: tables made by `createModelSql` read back as
 * "no drift", then each kind of hand-made drift (a column dropped, added, retyped, a table added,
 * an index dropped, a foreign key dropped) is reported once, with a sentence that names the fix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BigIntegerField,
  BinaryField,
  BooleanField,
  CharField,
  CheckConstraint,
  configure,
  DateField,
  DateTimeField,
  DecimalField,
  DurationField,
  defineModel,
  EmailField,
  FloatField,
  ForeignKey,
  GenericIPAddressField,
  getConnection,
  Index,
  IntegerField,
  JSONField,
  ManyToManyField,
  OneToOneField,
  SlugField,
  SmallIntegerField,
  TextField,
  TimeField,
  UniqueConstraint,
  UUIDField,
} from '../../../src/index.js'
import { introspect } from '../../../src/schema/introspection.js'
import { type DiffFinding, diffSchema } from '../../../src/schema/schema-diff.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm } from '../../support/orm.js'

const Author = defineModel('schemafix.Author', {
  fields: {
    name: new CharField({ maxLength: 100 }),
    email: new EmailField({ null: true, unique: true }),
  },
})

const Tag = defineModel('schemafix.Tag', {
  fields: { name: new CharField({ maxLength: 50, unique: true }) },
})

const Book = defineModel('schemafix.Book', {
  fields: {
    title: new CharField({ maxLength: 200 }),
    author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }),
    editor: new ForeignKey(() => Author, { onDelete: 'SET_NULL', null: true, relatedName: 'editedBooks' }),
    pages: new IntegerField({ default: 0 }),
    price: new DecimalField({ maxDigits: 10, decimalPlaces: 2, null: true }),
    rating: new FloatField({ null: true }),
    published: new BooleanField({ default: false }),
    publishedAt: new DateTimeField({ null: true }),
    releaseDate: new DateField({ null: true }),
    readingTime: new DurationField({ null: true }),
    opensAt: new TimeField({ null: true }),
    data: new JSONField({ null: true }),
    uid: new UUIDField({ null: true }),
    cover: new BinaryField({ null: true }),
    ip: new GenericIPAddressField({ null: true }),
    big: new BigIntegerField({ null: true }),
    small: new SmallIntegerField({ null: true }),
    body: new TextField({ default: '' }),
    slug: new SlugField({ maxLength: 50, dbIndex: true }),
    tags: new ManyToManyField(() => Tag, { relatedName: 'books' }),
  },
  meta: {
    indexes: [new Index({ fields: ['-pages', 'title'], name: 'schemafix_book_pages_title' })],
    uniqueTogether: [['author', 'title']],
    constraints: [
      new UniqueConstraint({ fields: ['slug', 'author'], name: 'schemafix_book_slug_author_uniq' }),
      new CheckConstraint({ check: 'pages >= 0', name: 'schemafix_book_pages_positive' }),
    ],
  },
})

/** A string primary key and a one-to-one pointing at it. */
const Shelf = defineModel('schemafix.Shelf', {
  fields: { code: new CharField({ maxLength: 20, primaryKey: true }) },
})

const Plaque = defineModel('schemafix.Plaque', {
  fields: {
    shelf: new OneToOneField(() => Shelf, { onDelete: 'CASCADE', relatedName: 'plaque' }),
    note: new CharField({ maxLength: 100 }),
  },
})

/** A table with nothing hanging off it, so SQLite tests can rebuild it by hand. */
const Note = defineModel('schemafix.Note', {
  fields: { body: new CharField({ maxLength: 100 }) },
})

/** Not managed: dorm never creates it, so its absence is no drift. */
defineModel('schemafix.External', {
  fields: { name: new CharField({ maxLength: 10 }) },
  meta: { managed: false, dbTable: 'external_things' },
})

const MODELS = [Author, Tag, Book, Shelf, Plaque, Note]

const kinds = (findings: DiffFinding[]) => findings.map((f) => `${f.kind} ${f.table}${f.column ? `.${f.column}` : ''}`)

describe.each(testBackends())('diffSchema on %s', (backend: TestBackend) => {
  const exec = (sql: string) => getConnection().execute(sql)

  let url = ''

  beforeEach(async () => {
    url = await setupOrmDatabase(backend, 'schema_diff', MODELS)
  })
  afterEach(async () => {
    await teardownOrm()
  })

  it('reads back the DDL dorm creates', async () => {
    const { tables } = await introspect()
    const book = tables.get('schemafix_book')
    expect(book).toBeDefined()
    const column = (name: string) => book?.columns.get(name)
    expect(column('title')).toEqual({ type: 'varchar(200)', nullable: false, default: null, primaryKey: false })
    expect(column('price')?.type).toBe('numeric(10, 2)')
    expect(column('rating')).toMatchObject({ nullable: true, primaryKey: false })
    expect(column('id')?.primaryKey).toBe(true)
    if (backend === 'postgres') {
      expect(column('id')?.type).toBe('bigint')
      expect(column('id')?.default).toMatch(/^nextval\('schemafix_book_id_seq'::regclass\)$/)
      expect(column('author_id')?.type).toBe('bigint')
      expect(column('published_at')?.type).toBe('timestamp with time zone')
      expect(column('opens_at')?.type).toBe('time')
      expect(column('rating')?.type).toBe('double precision')
      expect(column('data')?.type).toBe('jsonb')
      expect(column('reading_time')?.type).toBe('interval')
      expect(column('ip')?.type).toBe('inet')
    } else {
      expect(column('id')).toEqual({ type: 'integer', nullable: false, default: null, primaryKey: true })
      expect(column('published_at')?.type).toBe('text')
      expect(column('reading_time')?.type).toBe('bigint')
      expect(column('rating')?.type).toBe('real')
    }
    expect(book?.indexes).toContainEqual({
      name: 'schemafix_book_author_id_idx',
      columns: ['author_id'],
      unique: false,
    })
    expect(book?.indexes).toContainEqual({
      name: 'schemafix_book_pages_title',
      columns: ['pages', 'title'],
      unique: false,
    })
    expect(book?.indexes.find((i) => i.unique && i.columns.join() === 'author_id,title')).toBeDefined()
    expect(book?.foreignKeys).toContainEqual({ column: 'author_id', refTable: 'schemafix_author', refColumn: 'id' })
    expect(tables.get('schemafix_plaque')?.foreignKeys).toEqual([
      { column: 'shelf_id', refTable: 'schemafix_shelf', refColumn: 'code' },
    ])
    expect(tables.get('schemafix_book_tags')?.columns.get('book_id')?.type).toBe(
      backend === 'postgres' ? 'bigint' : 'integer',
    )
  })

  it('reports no drift for tables created by createModelSql', async () => {
    expect(await diffSchema('default', { apps: ['schemafix'] })).toEqual({ findings: [], drift: false })
    // no filter: the whole registry, and SQLite's own sqlite_sequence is not an extra table
    expect(await diffSchema()).toEqual({ findings: [], drift: false })
  })

  it('reports a dropped column', async () => {
    await exec('ALTER TABLE "schemafix_book" DROP COLUMN "rating"')
    const { findings, drift } = await diffSchema('default', { apps: ['schemafix'] })
    expect(drift).toBe(true)
    expect(findings).toEqual([
      {
        kind: 'missing_column',
        table: 'schemafix_book',
        column: 'rating',
        model: 'schemafix.Book',
        detail:
          "Field schemafix.Book.rating expects column 'rating' on 'schemafix_book' — not found. " +
          "Run 'dorm migrate' (after 'dorm makemigrations' if no migration covers it).",
      },
    ])
  })

  it('reports a column added by hand', async () => {
    await exec('ALTER TABLE "schemafix_book" ADD COLUMN "legacy" integer NOT NULL DEFAULT 0')
    const { findings } = await diffSchema('default', { apps: ['schemafix'] })
    expect(kinds(findings)).toEqual(['extra_column schemafix_book.legacy'])
    expect(findings[0]?.detail).toContain("Column 'legacy' on 'schemafix_book' exists in the database")
    expect(findings[0]?.detail).not.toContain('NOT NULL without a default')
    if (backend === 'postgres') {
      // an empty table takes a NOT NULL column without a default: dorm's inserts then fail
      await exec('ALTER TABLE "schemafix_book" ADD COLUMN "blocker" text NOT NULL')
      const [, blocker] = (await diffSchema('default', { apps: ['schemafix'] })).findings
      expect(blocker?.detail).toContain('; it is NOT NULL without a default, so inserts from dorm fail.')
    }
  })

  it('reports a retyped column and a changed nullability', async () => {
    if (backend === 'postgres') {
      await exec('ALTER TABLE "schemafix_note" ALTER COLUMN "body" TYPE text, ALTER COLUMN "body" DROP NOT NULL')
    } else {
      // SQLite cannot alter a column: rebuild the table as someone would by hand
      await exec('DROP TABLE "schemafix_note"')
      await exec('CREATE TABLE "schemafix_note" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "body" text)')
    }
    const { findings } = await diffSchema('default', { apps: ['schemafix'] })
    expect(kinds(findings)).toEqual(['type_mismatch schemafix_note.body', 'nullability_mismatch schemafix_note.body'])
    expect(findings[0]?.detail).toBe(
      "Field schemafix.Note.body expects column 'body' on 'schemafix_note' to be varchar(100), but the database " +
        "has text. Run 'dorm makemigrations' and 'dorm migrate' so a migration brings the database in line.",
    )
    expect(findings[1]?.detail).toContain("is NOT NULL in the model but column 'body' on 'schemafix_note' allows NULL")
  })

  it('reports a table added by hand, unless it is dorm_ or sqlite_ or outside the listed apps', async () => {
    await exec('CREATE TABLE "schemafix_legacy" ("id" integer)')
    await exec('CREATE TABLE "dorm_migrations_copy" ("id" integer)')
    await exec('CREATE TABLE "reports" ("id" integer)')
    const scoped = await diffSchema('default', { apps: ['schemafix'] })
    expect(scoped.findings).toEqual([
      {
        kind: 'extra_table',
        table: 'schemafix_legacy',
        detail:
          "Table 'schemafix_legacy' exists in the database but no model declares it. If it is a leftover, drop it " +
          'in a migration (RunSQL); if the app uses it, define a model for it (managed: false to leave its schema alone).',
      },
    ])
    expect(kinds((await diffSchema()).findings)).toEqual(['extra_table reports', 'extra_table schemafix_legacy'])
    // a folder path or a module path names the app too
    expect(kinds((await diffSchema('default', { apps: ['src/schemafix'] })).findings)).toEqual([
      'extra_table schemafix_legacy',
    ])
    expect((await diffSchema('default', { apps: ['other'] })).findings).toEqual([])
  })

  it('reports dropped indexes', async () => {
    await exec('DROP INDEX "schemafix_book_author_id_idx"')
    await exec('DROP INDEX "schemafix_book_pages_title"')
    const { findings } = await diffSchema('default', { apps: ['schemafix'] })
    expect(kinds(findings)).toEqual(['missing_index schemafix_book.author_id', 'missing_index schemafix_book'])
    expect(findings[0]?.detail).toBe(
      "The index on ForeignKey schemafix.Book.author needs an index on 'schemafix_book' (author_id), which is not " +
        "present in the database. Run 'dorm migrate' (after 'dorm makemigrations' if no migration covers it).",
    )
    expect(findings[1]?.detail).toContain(
      "The index 'schemafix_book_pages_title' of schemafix.Book.meta.indexes on 'schemafix_book' (pages, title) is not present",
    )
  })

  it('reports a missing junction table and a dropped model table', async () => {
    await exec('DROP TABLE "schemafix_book_tags"')
    await exec('DROP TABLE "schemafix_note"')
    const { findings } = await diffSchema('default', { apps: ['schemafix'] })
    expect(kinds(findings)).toEqual(['missing_table schemafix_book_tags', 'missing_table schemafix_note'])
    expect(findings[0]).toMatchObject({
      model: 'schemafix.Book',
      detail: expect.stringMatching(/^ManyToManyField schemafix\.Book\.tags declares table 'schemafix_book_tags'/),
    })
    expect(findings[1]?.detail).toMatch(
      /^Model 'schemafix\.Note' declares table 'schemafix_note' but it is not present/,
    )
  })

  it('skips the apps a router keeps off the alias', async () => {
    await exec('DROP TABLE "schemafix_note"')
    configure({ DATABASE_ROUTERS: [{ allowMigrate: (_alias: string, app: string) => app !== 'schemafix' }] })
    expect(await diffSchema()).toEqual({ findings: [], drift: false })
  })

  if (backend === 'postgres') {
    it('reports a dropped foreign key, a dropped unique constraint and a lost id default', async () => {
      const { rows } = await getConnection().execute<{ conname: string }>(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'schemafix_book'::regclass AND contype = 'f' " +
          "AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'schemafix_book'::regclass AND attname = 'editor_id')]",
      )
      expect(rows).toHaveLength(1)
      await exec(`ALTER TABLE "schemafix_book" DROP CONSTRAINT "${rows[0]?.conname}"`)
      await exec('ALTER TABLE "schemafix_tag" DROP CONSTRAINT "schemafix_tag_name_key"')
      await exec('ALTER TABLE "schemafix_note" ALTER COLUMN "id" DROP DEFAULT')
      const { findings } = await diffSchema('default', { apps: ['schemafix'] })
      expect(kinds(findings)).toEqual([
        'missing_index schemafix_tag.name',
        'missing_foreign_key schemafix_book.editor_id',
        'default_mismatch schemafix_note.id',
      ])
      expect(findings[1]?.detail).toBe(
        "ForeignKey schemafix.Book.editor expects a foreign key from 'schemafix_book'.'editor_id' to " +
          "'schemafix_author'.'id' — not found, so the database accepts ids that point nowhere. Run 'dorm " +
          "makemigrations' and 'dorm migrate' so a migration brings the database in line.",
      )
      expect(findings[2]?.detail).toContain('has no sequence (nextval) or identity default')
    })

    it('sees the schemas on the search_path, the first one winning a name clash', async () => {
      await exec('CREATE SCHEMA hidden')
      await exec('CREATE TABLE hidden.elsewhere (id integer)')
      await exec('CREATE TABLE hidden.schemafix_author (id integer)')
      expect((await introspect()).tables.has('elsewhere')).toBe(false)
      configure({ DATABASES: { default: { URL: url, OPTIONS: { options: '-c search_path=public,hidden' } } } })
      const { tables } = await introspect()
      expect(tables.has('elsewhere')).toBe(true)
      expect([...(tables.get('schemafix_author')?.columns.keys() ?? [])]).toEqual(['id', 'name', 'email'])
    })
  }
})
