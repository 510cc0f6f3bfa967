/**
 * makemigrations end to end on every backend: detect the `mmfix` models, write TypeScript
 * migrations into a temp dir, load them back like any migration file, apply them, and compare the
 * live schema with the models; then change the models and do it again.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configure, getConnection, type ModelClassLike } from '../../../src/index.js'
import {
  detectChanges,
  loadMigrations,
  type Migration,
  MigrationExecutor,
  MigrationGraph,
  migrationSource,
  type Operation,
  ProjectState,
  planMigrations,
} from '../../../src/migrations/index.js'
import { introspect } from '../../../src/schema/introspection.js'
import { compareSchema } from '../../../src/schema/schema-diff.js'
import { defineMmfixModels } from '../../fixtures/makemigrations/mmfix/models.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { teardownOrm } from '../../support/orm.js'

// the written files import the engine's source by absolute path: the same modules as this test
const importFrom = {
  engine: fileURLToPath(new URL('../../../src/index.ts', import.meta.url)),
  migrations: fileURLToPath(new URL('../../../src/migrations/index.ts', import.meta.url)),
}

let dir: string

async function load(): Promise<Migration[]> {
  return loadMigrations([{ label: 'mmfix', migrationsDir: dir }])
}

function finalState(migrations: readonly Migration[]): ProjectState {
  const state = new ProjectState()
  for (const m of new MigrationGraph(migrations).all()) for (const op of m.operations) op.stateForwards(m.app, state)
  return state
}

/** Plans and writes the migrations of `changes`; returns the new file names. */
async function write(changes: Map<string, Operation[]>, migrations: readonly Migration[]): Promise<string[]> {
  const planned = planMigrations(changes, { graph: new MigrationGraph(migrations), fromState: finalState(migrations) })
  for (const m of planned) await writeFile(join(dir, `${m.name}.ts`), migrationSource(m, { importFrom }))
  return planned.map((m) => `${m.name}.ts`)
}

async function drift(models: readonly ModelClassLike[]): Promise<string[]> {
  const findings = compareSchema(models, await introspect('default'), { alias: 'default', apps: ['mmfix'] })
  return findings.map((f) => `${f.kind}: ${f.detail}`)
}

async function tables(): Promise<string[]> {
  const db = getConnection()
  const sql =
    db.vendor === 'postgresql'
      ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
  return (await db.execute(sql)).rows.map((r) => String(r.name))
}

describe.each(testBackends())('makemigrations on %s', (backend) => {
  beforeEach(async () => {
    configure({ DATABASES: { default: await createTestDatabase(backend, 'makemigrations') } })
    dir = await mkdtemp(join(tmpdir(), 'dorm-makemigrations-'))
  })
  afterEach(async () => {
    await teardownOrm()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes migrations that build the models’ schema, roll back, reapply, and follow model changes', async () => {
    const v1 = defineMmfixModels(1)
    const initial = detectChanges(new ProjectState(), v1)
    expect([...initial.keys()]).toEqual(['mmfix'])
    expect(initial.get('mmfix')?.map((op) => op.describe())).toEqual([
      'Create model Customer',
      'Create model Tag',
      'Create model Order',
      'Create model Report',
    ])
    expect(await write(initial, [])).toEqual(['0001_initial.ts'])
    const source = await readFile(join(dir, '0001_initial.ts'), 'utf8')
    expect(source).toContain(
      "customer: new ForeignKey('mmfix.Customer', { onDelete: 'CASCADE', relatedName: 'orders' }),",
    )
    expect(source).not.toContain('helpText')
    expect(source).not.toContain('validators')

    let migrations = await load()
    expect(migrations.map((m) => m.name)).toEqual(['0001_initial'])
    const executor = new MigrationExecutor(getConnection(), migrations)
    await executor.run(await executor.plan())
    expect(await tables()).toEqual([
      'dorm_migrations',
      'mmfix_customers',
      'mmfix_order',
      'mmfix_order_tags',
      'mmfix_tag',
    ])
    expect(await drift(v1)).toEqual([])
    expect(detectChanges(finalState(migrations), v1).size).toBe(0)

    await executor.run(await executor.plan('mmfix', 'zero'))
    expect(await tables()).toEqual(['dorm_migrations'])
    await executor.run(await executor.plan())
    expect(await drift(v1)).toEqual([])
    await getConnection().execute("INSERT INTO mmfix_customers (name, vip) VALUES ('ann', FALSE)")

    const v2 = defineMmfixModels(2)
    const changes = detectChanges(finalState(migrations), v2)
    expect(changes.get('mmfix')?.map((op) => op.describe())).toEqual([
      'Add field phone to customer',
      'Alter field name on customer',
      'Create index mmfix_customer_name_idx on name of customer',
    ])
    expect(await write(changes, migrations)).toEqual(['0002_customer_phone.ts'])
    migrations = await load()
    expect(migrations.map((m) => m.name)).toEqual(['0001_initial', '0002_customer_phone'])
    expect(migrations[1]?.dependencies).toEqual([['mmfix', '0001_initial']])
    // the --check case: nothing is pending once the new migration exists
    expect(detectChanges(finalState(migrations), v2).size).toBe(0)

    // the comparison sees the change until the new migration is applied
    expect(await drift(v2)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^missing_column: /), expect.stringMatching(/^missing_index: /)]),
    )
    const next = new MigrationExecutor(getConnection(), migrations)
    await next.run(await next.plan())
    expect(await drift(v2)).toEqual([])
    const rows = await getConnection().execute('SELECT name, phone FROM mmfix_customers')
    expect(rows.rows).toEqual([{ name: 'ann', phone: null }])

    await next.run(await next.plan('mmfix', '0001'))
    expect(await drift(v1)).toEqual([])
    await next.run(await next.plan('mmfix', 'zero'))
    expect(await tables()).toEqual(['dorm_migrations'])
    expect(await readdir(dir)).toEqual(['0001_initial.ts', '0002_customer_phone.ts'])
  })
})
