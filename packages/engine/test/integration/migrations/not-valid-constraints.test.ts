/**
 * AddConstraint({ notValid: true }) and ValidateConstraint on real databases: on PostgreSQL the
 * CHECK is added NOT VALID (existing rows unchecked, new ones checked) and validated later; on
 * SQLite and libsql the constraint is added as usual and ValidateConstraint does nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CharField, configure, getConnection, IntegerField, MigrationError } from '../../../src/index.js'
import {
  AddConstraint,
  CreateModel,
  type Migration,
  MigrationExecutor,
  migration,
  ProjectState,
  ValidateConstraint,
} from '../../../src/migrations/index.js'
import { CheckConstraint, UniqueConstraint } from '../../../src/models/constraints.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { teardownOrm } from '../../support/orm.js'

function inline(name: string, operations: Migration['operations'], extra: Partial<Migration> = {}): Migration {
  return { ...migration({ operations }), app: 'inline', name, file: `<inline ${name}>`, ...extra }
}

const check = new CheckConstraint({ check: 'total >= 0', name: 'inline_order_total_nonnegative' })
const initial = inline('0001_initial', [
  new CreateModel({ name: 'Order', fields: { code: new CharField({ maxLength: 10 }), total: new IntegerField() } }),
])
const addNotValid = inline(
  '0002_total_check',
  [new AddConstraint({ modelName: 'order', constraint: check, notValid: true })],
  {
    dependencies: [['inline', '0001_initial']],
  },
)
const validate = inline(
  '0003_validate_total_check',
  [new ValidateConstraint({ modelName: 'order', name: check.name })],
  {
    dependencies: [['inline', '0002_total_check']],
  },
)

async function insert(code: string, total: number): Promise<void> {
  const db = getConnection()
  const sql =
    db.vendor === 'postgresql'
      ? 'INSERT INTO inline_order (code, total) VALUES ($1, $2)'
      : 'INSERT INTO inline_order (code, total) VALUES (?, ?)'
  await db.execute(sql, [code, total])
}

async function validated(): Promise<boolean | undefined> {
  const { rows } = await getConnection().execute(
    "SELECT convalidated FROM pg_constraint WHERE conname = 'inline_order_total_nonnegative'",
  )
  return rows[0]?.convalidated as boolean | undefined
}

describe.each(testBackends())('AddConstraint notValid and ValidateConstraint on %s', (backend) => {
  beforeEach(async () => {
    configure({ DATABASES: { default: await createTestDatabase(backend, 'migrations_not_valid') } })
  })
  afterEach(teardownOrm)

  it.runIf(backend === 'postgres')(
    'adds the CHECK NOT VALID (old rows unchecked, new rows checked), validates it later, and rolls back',
    async () => {
      const executor = new MigrationExecutor(getConnection(), [initial, addNotValid, validate])
      await executor.run(await executor.plan('inline', '0001'))
      await insert('old', -5)
      const added = await executor.run(await executor.plan('inline', '0002'))
      expect(added.statements.get('inline.0002_total_check')).toEqual([
        'ALTER TABLE "inline_order" ADD CONSTRAINT "inline_order_total_nonnegative" CHECK (total >= 0) NOT VALID',
      ])
      expect(await validated()).toBe(false)
      await expect(insert('new', -1)).rejects.toThrow(/inline_order_total_nonnegative/)

      // VALIDATE scans the old rows: the bad one stops it, and nothing is recorded
      await expect(executor.run(await executor.plan())).rejects.toThrow(/inline_order_total_nonnegative/)
      expect([...(await executor.applied())].sort()).toEqual(['inline.0001_initial', 'inline.0002_total_check'])
      await getConnection().execute('UPDATE inline_order SET total = 0 WHERE total < 0')
      const done = await executor.run(await executor.plan())
      expect(done.statements.get('inline.0003_validate_total_check')).toEqual([
        'ALTER TABLE "inline_order" VALIDATE CONSTRAINT "inline_order_total_nonnegative"',
      ])
      expect(await validated()).toBe(true)

      await executor.run(await executor.plan('inline', '0001'))
      expect(await validated()).toBeUndefined()
    },
  )

  it.runIf(backend !== 'postgres')('adds the constraint as usual and validates nothing', async () => {
    const executor = new MigrationExecutor(getConnection(), [initial, addNotValid, validate])
    await executor.run(await executor.plan('inline', '0001'))
    await insert('old', 3)
    const result = await executor.run(await executor.plan())
    expect(result.statements.get('inline.0003_validate_total_check')).toEqual([])
    await expect(insert('new', -1)).rejects.toThrow(/CHECK/i)
    await executor.run(await executor.plan('inline', 'zero'))
  })

  it('describes itself, needs its model in the state, and refuses notValid on a UNIQUE', () => {
    expect(addNotValid.operations[0]?.describe()).toBe(
      'Create constraint inline_order_total_nonnegative on order (NOT VALID)',
    )
    expect(validate.operations[0]?.describe()).toBe('Validate constraint inline_order_total_nonnegative on order')
    expect(validate.operations[0]?.repr()).toBe(
      "ValidateConstraint(name='inline_order_total_nonnegative', model_name='order')",
    )
    expect(() => validate.operations[0]?.stateForwards('inline', new ProjectState())).toThrow(
      /No model 'order' in app 'inline'/,
    )
    expect(
      () =>
        new AddConstraint({
          modelName: 'order',
          constraint: new UniqueConstraint({ fields: ['code'], name: 'inline_order_code_uniq' }),
          notValid: true,
        }),
    ).toThrow(MigrationError)
    expect(() => new ValidateConstraint({ modelName: 'order', name: '' })).toThrow(/needs the constraint's name/)
  })
})
