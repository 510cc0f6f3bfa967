import { beforeEach, describe, expect, it } from 'vitest'
import { MigrationError } from '../errors.js'
import { Index, UniqueConstraint } from '../models/constraints.js'
import { CharField } from '../models/fields/char-field.js'
import { IntegerField } from '../models/fields/integer-field.js'
import { ForeignKey } from '../models/fields/related-fields.js'
import { defineModel } from '../models/model.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { clearRegistry } from '../models/registry.js'
import { detectChanges } from './autodetector.js'
import { type Migration, migration } from './migration.js'
import { MigrationGraph } from './migration-graph.js'
import { checkMigrationName, planEmptyMigration, planMigrations, suggestName } from './migration-planner.js'
import { ProjectState } from './migration-state.js'
import { AddField, AlterField, RemoveField, RenameField } from './operations/field-operations.js'
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from './operations/index-operations.js'
import { AlterModelTable, CreateModel, DeleteModel } from './operations/model-operations.js'
import type { Operation } from './operations/operation.js'
import { RunSQL } from './operations/special-operations.js'

beforeEach(clearRegistry)

const NOW = new Date('2024-03-05T07:08:00Z')

function existing(app: string, ...names: string[]): Migration[] {
  return names.map((name, i) => ({
    ...migration({ operations: [], dependencies: i === 0 ? [] : [[app, names[i - 1] as string]] }),
    app,
    name,
    file: `${app}/${name}.ts`,
  }))
}

describe('suggestName', () => {
  const field = new IntegerField()
  it('names a migration after its first operation', () => {
    const cases: [Operation, string][] = [
      [new CreateModel({ name: 'Customer', fields: {} }), 'customer'],
      [new DeleteModel({ name: 'Customer' }), 'delete_customer'],
      [new AddField({ modelName: 'customer', name: 'email', field }), 'customer_email'],
      [new AddField({ modelName: 'order', name: 'placedAt', field }), 'order_placed_at'],
      [new RemoveField({ modelName: 'customer', name: 'email' }), 'remove_customer_email'],
      [new AlterField({ modelName: 'customer', name: 'name', field }), 'alter_customer_name'],
      [new RenameField({ modelName: 'order', oldName: 'total', newName: 'amount' }), 'rename_total_order_amount'],
      [
        new AddIndex({ modelName: 'order', index: new Index({ fields: ['a'], name: 'Order_A_idx' }) }),
        'order_order_a_idx',
      ],
      [new RemoveIndex({ modelName: 'order', name: 'order_a_idx' }), 'remove_order_order_a_idx'],
      [
        new AddConstraint({ modelName: 'order', constraint: new UniqueConstraint({ fields: ['a'], name: 'u' }) }),
        'order_u',
      ],
      [new RemoveConstraint({ modelName: 'order', name: 'u' }), 'remove_order_u'],
      [new AlterModelTable({ name: 'Order', table: 'orders' }), 'alter_order_table'],
    ]
    for (const [op, name] of cases) expect(suggestName([op], { initial: false })).toBe(name)
  })

  it('says initial for the first, and falls back to auto_<timestamp>', () => {
    expect(suggestName([new DeleteModel({ name: 'X' })], { initial: true })).toBe('initial')
    expect(suggestName([], { initial: false, now: NOW })).toBe('auto_20240305_0708')
    expect(suggestName([new RunSQL({ sql: 'SELECT 1' })], { initial: false, now: NOW })).toBe('auto_20240305_0708')
    const long = new AddField({ modelName: 'customer', name: 'x'.repeat(60), field })
    expect(suggestName([long], { initial: false, now: NOW })).toBe('auto_20240305_0708')
  })

  it('checks --name values', () => {
    expect(() => checkMigrationName('add_email_2')).not.toThrow()
    expect(() => checkMigrationName('add-email')).toThrow(MigrationError)
    expect(() => checkMigrationName('')).toThrow(/letters, digits and underscores/)
  })
})

describe('planMigrations', () => {
  it('numbers after the app’s highest migration and depends on its latest', () => {
    const graph = new MigrationGraph(existing('shop', '0001_initial', '0002_customer_email', '0007_later'))
    const changes = new Map([['shop', [new RemoveField({ modelName: 'customer', name: 'email' })] as Operation[]]])
    const [planned] = planMigrations(changes, { graph, fromState: new ProjectState() })
    expect(planned).toMatchObject({
      app: 'shop',
      name: '0008_remove_customer_email',
      dependencies: [['shop', '0007_later']],
      initial: false,
    })
    const [named] = planMigrations(changes, { graph, fromState: new ProjectState(), name: 'tidy' })
    expect(named?.name).toBe('0008_tidy')
  })

  it('orders apps so a new migration comes after the new migrations it points at', () => {
    const Account = defineModel('mmpacc.Account', { fields: { email: new CharField({ maxLength: 100 }) } })
    const Order = defineModel('mmpzshop.Order', {
      fields: { account: new ForeignKey(() => Account, { onDelete: 'CASCADE' }) },
    })
    const graph = new MigrationGraph([])
    const changes = detectChanges(new ProjectState(), [Order, Account])
    const planned = planMigrations(changes, { graph, fromState: new ProjectState() })
    expect(planned.map((m) => [`${m.app}.${m.name}`, m.dependencies])).toEqual([
      ['mmpacc.0001_initial', []],
      ['mmpzshop.0001_initial', [['mmpacc', '0001_initial']]],
    ])
  })

  it('depends on the latest existing migration of an app that changes nothing now', () => {
    const Account = defineModel('mmpacc.Account', { fields: { email: new CharField({ maxLength: 100 }) } })
    const state = new ProjectState()
    for (const op of detectChanges(new ProjectState(), [Account]).get('mmpacc') ?? []) op.stateForwards('mmpacc', state)
    const Order = defineModel('mmpshop.Order', {
      fields: { account: new ForeignKey(() => Account, { onDelete: 'CASCADE' }) },
    })
    const graph = new MigrationGraph(existing('mmpacc', '0001_initial', '0002_more'))
    const planned = planMigrations(detectChanges(state, [Account, Order]), { graph, fromState: state })
    expect(planned.map((m) => [`${m.app}.${m.name}`, m.dependencies])).toEqual([
      ['mmpshop.0001_initial', [['mmpacc', '0002_more']]],
    ])
  })

  it('splits apps that point at each other’s new models into two migrations of one app', () => {
    const User: ModelClassLike = defineModel('mmpacc.User', {
      fields: {
        favourite: new ForeignKey(() => Store, { onDelete: 'SET_NULL', null: true, relatedName: 'fans' }),
      },
      meta: { indexes: [new Index({ fields: ['favourite'], name: 'mmpacc_user_fav_idx' })] },
    })
    const Store: ModelClassLike = defineModel('mmpshop.Store', {
      fields: { owner: new ForeignKey(() => User, { onDelete: 'CASCADE', relatedName: 'stores' }) },
    })
    const changes = detectChanges(new ProjectState(), [User, Store])
    const planned = planMigrations(changes, { graph: new MigrationGraph([]), fromState: new ProjectState() })
    expect(planned.map((m) => [`${m.app}.${m.name}`, m.dependencies, m.operations.map((op) => op.describe())])).toEqual(
      [
        ['mmpacc.0001_initial', [], ['Create model User']],
        ['mmpshop.0001_initial', [['mmpacc', '0001_initial']], ['Create model Store']],
        [
          'mmpacc.0002_user_favourite',
          [
            ['mmpacc', '0001_initial'],
            ['mmpshop', '0001_initial'],
          ],
          ['Add field favourite to user', 'Create index mmpacc_user_fav_idx on favourite of user'],
        ],
      ],
    )
    expect(planned.map((m) => m.initial)).toEqual([true, true, false])
    // the three migrations apply in order to the models' state
    const state = new ProjectState()
    for (const m of planned) for (const op of m.operations) op.stateForwards(m.app, state)
    expect(detectChanges(state, [User, Store]).size).toBe(0)
  })
})

describe('planEmptyMigration', () => {
  it('writes the next number, depending on the latest', () => {
    const graph = new MigrationGraph(existing('shop', '0001_initial'))
    expect(planEmptyMigration('shop', { graph, now: NOW })).toEqual({
      app: 'shop',
      name: '0002_auto_20240305_0708',
      dependencies: [['shop', '0001_initial']],
      operations: [],
      initial: false,
    })
    expect(planEmptyMigration('blog', { graph, name: 'seed' })).toMatchObject({
      name: '0001_seed',
      dependencies: [],
      initial: true,
    })
    expect(planEmptyMigration('blog', { graph }).name).toBe('0001_initial')
  })
})
