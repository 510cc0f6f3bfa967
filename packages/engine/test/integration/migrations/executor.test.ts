import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BigAutoField,
  CharField,
  configure,
  ForeignKey,
  getConnection,
  IntegerField,
  IntegrityError,
  MigrationError,
} from '../../../src/index.js'
import {
  AddField,
  AddIndex,
  AlterField,
  CreateModel,
  loadMigrations,
  type Migration,
  MigrationExecutor,
  MigrationLockTimeout,
  migration,
  RunSQL,
  withMigrationLock,
} from '../../../src/migrations/index.js'
import { Index } from '../../../src/models/constraints.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { teardownOrm } from '../../support/orm.js'

const here = dirname(fileURLToPath(import.meta.url))
// the sample project's migrations (the CLI tests run the same files through `dorm migrate`)
const shopDir = join(here, '../../fixtures/migrate-project/src/shop/migrations')

async function tables(): Promise<string[]> {
  const db = getConnection()
  const sql =
    db.vendor === 'postgresql'
      ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
  return (await db.execute(sql)).rows.map((r) => String(r.name))
}

async function columns(table: string): Promise<string[]> {
  const db = getConnection()
  const sql =
    db.vendor === 'postgresql'
      ? `SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`
      : `SELECT name FROM pragma_table_info('${table}')`
  return (await db.execute(sql)).rows.map((r) => String(r.name))
}

function inline(name: string, operations: Migration['operations'], extra: Partial<Migration> = {}): Migration {
  return { ...migration({ operations }), app: 'inline', name, file: `<inline ${name}>`, ...extra }
}

describe.each(testBackends())('the migration executor on %s', (backend) => {
  beforeEach(async () => {
    configure({ DATABASES: { default: await createTestDatabase(backend, 'migrations_executor') } })
  })
  afterEach(teardownOrm)
  afterAll(teardownOrm)

  it('changes a table other tables point at, keeping their rows (SQLite rebuilds it with enforcement off, checked before commit)', async () => {
    const db = getConnection()
    const create = inline('0001_initial', [
      new CreateModel({
        name: 'Parent',
        fields: { id: new BigAutoField({ primaryKey: true }), name: new CharField({ maxLength: 20 }) },
      }),
      new CreateModel({
        name: 'Child',
        fields: {
          id: new BigAutoField({ primaryKey: true }),
          parent: new ForeignKey('inline.Parent', { onDelete: 'CASCADE' }),
        },
      }),
    ])
    const widen = inline(
      '0002_widen',
      [new AlterField({ modelName: 'Parent', name: 'name', field: new CharField({ maxLength: 80, null: true }) })],
      { dependencies: [['inline', '0001_initial']] },
    )
    const executor = new MigrationExecutor(db, [create, widen])
    await executor.run(await executor.plan('inline', '0001_initial'))
    await db.execute(`INSERT INTO inline_parent (id, name) VALUES (1, 'a'), (2, 'b')`)
    await db.execute(`INSERT INTO inline_child (id, parent_id) VALUES (10, 1), (11, 1), (12, 2)`)
    await executor.run(await executor.plan())
    expect((await db.execute('SELECT count(*) AS n FROM inline_child')).rows[0]?.n).toEqual(
      backend === 'postgres' ? '3' : 3,
    )
    // enforcement is back on afterwards: a dangling reference is refused
    await expect(db.execute('INSERT INTO inline_child (id, parent_id) VALUES (13, 99)')).rejects.toThrow(IntegrityError)
    if (backend === 'postgres') return
    // a migration that leaves a dangling reference is rolled back with a message naming it
    const breaks = inline(
      '0003_breaks',
      [new RunSQL({ sql: 'DELETE FROM inline_parent WHERE id = 2', reverseSql: RunSQL.noop })],
      { dependencies: [['inline', '0002_widen']] },
    )
    const next = new MigrationExecutor(db, [create, widen, breaks])
    await expect(next.run(await next.plan())).rejects.toThrow(/pointing at rows that do not exist/)
    expect((await db.execute('SELECT count(*) AS n FROM inline_parent')).rows[0]?.n).toBe(2)
    expect(await next.applied()).not.toContain('inline.0003_breaks')
  })

  it('applies, rolls back to zero and applies again', async () => {
    const migrations = await loadMigrations([{ label: 'shop', migrationsDir: shopDir }])
    expect(migrations.map((m) => m.name)).toEqual(['0001_initial', '0002_customer_email'])
    const executor = new MigrationExecutor(getConnection(), migrations)
    const plan = await executor.plan()
    expect(plan.map((s) => `${s.migration.name}:${s.backwards}`)).toEqual([
      '0001_initial:false',
      '0002_customer_email:false',
    ])
    await getConnection().execute(`SELECT 1`)
    await executor.run(plan)
    expect(await tables()).toEqual(expect.arrayContaining(['dorm_migrations', 'shop_customer', 'shop_order']))
    expect(await columns('shop_order')).toEqual(['id', 'customer_id', 'amount', 'status', 'priority'])
    expect(await columns('shop_customer')).toEqual(['id', 'name', 'email'])
    expect(await executor.applied()).toEqual(new Set(['shop.0001_initial', 'shop.0002_customer_email']))
    expect(await executor.plan()).toEqual([])

    const back = await executor.plan('shop', '0001')
    expect(back.map((s) => `${s.migration.name}:${s.backwards}`)).toEqual(['0002_customer_email:true'])
    await executor.run(back)
    expect(await columns('shop_order')).toEqual(['id', 'customer_id', 'total'])

    await executor.run(await executor.plan('shop', 'zero'))
    expect(await tables()).toEqual(['dorm_migrations'])
    expect(await executor.applied()).toEqual(new Set())

    await executor.run(await executor.plan())
    await getConnection().execute("INSERT INTO shop_customer (name) VALUES ('ann')")
    expect((await getConnection().execute('SELECT email FROM shop_customer')).rows).toEqual([{ email: null }])
  })

  it('dry-run collects every statement and writes nothing', async () => {
    const executor = new MigrationExecutor(
      getConnection(),
      await loadMigrations([{ label: 'shop', migrationsDir: shopDir }]),
    )
    const result = await executor.run(await executor.plan(), { dryRun: true })
    const sql = [...result.statements.values()].flat()
    expect(sql[0]).toMatch(/^CREATE TABLE "shop_customer"/)
    expect(sql.some((s) => s.includes('RunCode'))).toBe(true)
    expect(await tables()).toEqual([])
  })

  it('rolls back every operation of a failing migration and records nothing', async () => {
    const failing = inline('0001_broken', [
      new CreateModel({ name: 'Thing', fields: { name: new CharField({ maxLength: 10 }) } }),
      new AddField({ modelName: 'thing', name: 'size', field: new IntegerField({ default: 1 }) }),
      new RunSQL({ sql: 'SELECT * FROM table_that_does_not_exist' }),
    ])
    const executor = new MigrationExecutor(getConnection(), [failing])
    await expect(executor.run(await executor.plan())).rejects.toThrow(/table_that_does_not_exist/)
    expect(await tables()).toEqual(['dorm_migrations'])
    expect(await executor.applied()).toEqual(new Set())

    const fixed = inline('0001_broken', [...failing.operations.slice(0, 2), new RunSQL({ sql: 'SELECT 1' })])
    const again = new MigrationExecutor(getConnection(), [fixed])
    await again.run(await again.plan())
    expect(await columns('inline_thing')).toEqual(['id', 'name', 'size'])
    expect(await again.applied()).toEqual(new Set(['inline.0001_broken']))
  })

  it('fakes, and names an unknown target with the available migrations', async () => {
    const executor = new MigrationExecutor(
      getConnection(),
      await loadMigrations([{ label: 'shop', migrationsDir: shopDir }]),
    )
    await executor.run(await executor.plan('shop', '0001'), { fake: true })
    expect(await tables()).toEqual(['dorm_migrations'])
    expect(await executor.applied()).toEqual(new Set(['shop.0001_initial']))
    await expect(executor.plan('shop', '0009')).rejects.toThrow(
      "Migration '0009' not found for app 'shop'. Available migrations: [0001_initial, 0002_customer_email].",
    )
  })

  it.runIf(backend === 'postgres')('runs AddIndex concurrently only outside a transaction', async () => {
    const base = inline('0001_initial', [
      new CreateModel({ name: 'Item', fields: { code: new CharField({ maxLength: 10 }) } }),
    ])
    const index = new AddIndex({
      modelName: 'item',
      index: new Index({ fields: ['code'], name: 'item_code_idx' }),
      concurrently: true,
    })
    const atomicOne = inline('0002_index', [index], { dependencies: [['inline', '0001_initial']] })
    const executor = new MigrationExecutor(getConnection(), [base, atomicOne])
    await expect(executor.run(await executor.plan())).rejects.toThrow(/Set atomic: false/)
    const nonAtomic = inline('0002_index', [index], { dependencies: [['inline', '0001_initial']], atomic: false })
    const second = new MigrationExecutor(getConnection(), [base, nonAtomic])
    const result = await second.run(await second.plan())
    expect(result.statements.get('inline.0002_index')).toEqual([
      'CREATE INDEX CONCURRENTLY "item_code_idx" ON "inline_item" ("code")',
    ])
    const found = await getConnection().execute("SELECT indexname FROM pg_indexes WHERE indexname = 'item_code_idx'")
    expect(found.rows).toHaveLength(1)
  })

  it.runIf(backend === 'postgres')(
    'serialises concurrent runs on the advisory lock and names the holder on timeout',
    async () => {
      const migrations = await loadMigrations([{ label: 'shop', migrationsDir: shopDir }])
      const runs = [1, 2, 3, 4].map(() =>
        withMigrationLock(getConnection(), 10_000, async () => {
          const executor = new MigrationExecutor(getConnection(), migrations)
          return (await executor.run(await executor.plan())).steps.length
        }),
      )
      const applied = await Promise.all(runs)
      expect(applied.sort()).toEqual([0, 0, 0, 2])
      let release!: () => void
      const holding = withMigrationLock(
        getConnection(),
        1000,
        () => new Promise<void>((resolve) => (release = resolve)),
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      const error = await withMigrationLock(getConnection(), 300, async () => 1).catch((e: unknown) => e)
      release()
      await holding
      expect(error).toBeInstanceOf(MigrationLockTimeout)
      expect(error).toBeInstanceOf(MigrationError)
      expect((error as Error).message).toMatch(/held by pid \d+ \(application_name/)
    },
  )
})
