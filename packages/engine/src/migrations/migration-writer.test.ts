import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MigrationError } from '../errors.js'
import { CheckConstraint, Index, UniqueConstraint } from '../models/constraints.js'
import { BigAutoField } from '../models/fields/auto-field.js'
import { CharField, TextField } from '../models/fields/char-field.js'
import { DateTimeField } from '../models/fields/date-time-fields.js'
import { IntegerField } from '../models/fields/integer-field.js'
import { JSONField } from '../models/fields/json-field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import { ForeignKey } from '../models/fields/related-fields.js'
import { migrationSource } from './migration-writer.js'
import { AddField, AlterField, RemoveField, RenameField } from './operations/field-operations.js'
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from './operations/index-operations.js'
import { AlterModelTable, CreateModel, DeleteModel, RenameModel } from './operations/model-operations.js'
import { RunCode, RunSQL } from './operations/special-operations.js'
import { ValidateConstraint } from './operations/validate-constraint.js'

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const BIOME = `${REPO}node_modules/@biomejs/biome/bin/biome`

/** What `biome check --write` makes of `source` with the repository's configuration. */
function biome(source: string): string {
  return execFileSync(
    process.execPath,
    [BIOME, 'check', '--write', '--stdin-file-path=packages/engine/test/fixtures/makemigrations/generated.ts'],
    { cwd: REPO, input: source, encoding: 'utf8' },
  )
}

function initial() {
  return migrationSource({
    operations: [
      new CreateModel({
        name: 'Customer',
        fields: { id: new BigAutoField({ primaryKey: true }), name: new CharField({ maxLength: 100 }) },
      }),
      new CreateModel({
        name: 'Order',
        fields: {
          id: new BigAutoField({ primaryKey: true }),
          customer: new ForeignKey('shop.Customer', { onDelete: 'CASCADE', relatedName: 'orders' }),
          total: new IntegerField({ default: 0 }),
          tags: new ManyToManyField('shop.Tag', { relatedName: 'orders', dbTable: 'shop_order_tag_links' }),
        },
        options: {
          dbTable: 'orders',
          ordering: ['-total'],
          indexes: [new Index({ fields: ['total'], name: 'shop_order_total_idx' })],
          constraints: [new CheckConstraint({ check: 'total >= 0', name: 'shop_order_total_positive' })],
          uniqueTogether: [['customer', 'total']],
          managed: false,
        },
      }),
    ],
  })
}

function everything() {
  return migrationSource(
    {
      dependencies: [
        ['shop', '0001_initial'],
        ['accounts', '0003_user_email'],
      ],
      atomic: false,
      operations: [
        new AddField({ modelName: 'customer', name: 'email', field: new CharField({ maxLength: 200, null: true }) }),
        new AddField({
          modelName: 'customer',
          name: 'preferences',
          field: new JSONField({ default: { newsletter: true, channels: ['email', 'sms'] }, null: false }),
        }),
        new AlterField({ modelName: 'customer', name: 'name', field: new CharField({ maxLength: 255 }) }),
        new RemoveField({ modelName: 'order', name: 'note' }),
        new RenameField({ modelName: 'order', oldName: 'total', newName: 'amount' }),
        new AddIndex({
          modelName: 'order',
          index: new Index({ fields: ['-placedAt'], name: 'shop_order_placed_idx', condition: "state <> 'void'" }),
          concurrently: true,
        }),
        new RemoveIndex({ modelName: 'order', name: 'shop_order_total_idx', concurrently: true }),
        new AddConstraint({
          modelName: 'customer',
          constraint: new UniqueConstraint({ fields: ['email'], name: 'customer_email_uniq' }),
        }),
        new RemoveConstraint({ modelName: 'order', name: 'shop_order_total_positive' }),
        new AlterModelTable({ name: 'Order', table: 'shop_orders' }),
        new RenameModel({ oldName: 'Legacy', newName: 'Archive' }),
        new DeleteModel({ name: 'Archive' }),
        new RunSQL({ sql: "UPDATE shop_order SET state = 'new' WHERE state IS NULL", reverseSql: RunSQL.noop }),
        new RunSQL({ sql: ['SELECT 1', 'SELECT 2'] }),
        new AddField({ modelName: 'order', name: 'placedAt', field: new DateTimeField({ default: new Date(0) }) }),
        new AddField({ modelName: 'order', name: 'memo', field: new TextField() }),
      ],
    },
    { importFrom: { engine: '../../../src/index.js', migrations: '../../../src/migrations/index.js' } },
  )
}

/** The NOT VALID + VALIDATE pattern, as two migrations would hold it. */
function notValidThenValidate() {
  return migrationSource({
    dependencies: [['shop', '0004_order_total']],
    operations: [
      new AddConstraint({
        modelName: 'order',
        constraint: new CheckConstraint({ check: 'total >= 0', name: 'shop_order_total_nonnegative' }),
        notValid: true,
      }),
      new ValidateConstraint({ modelName: 'order', name: 'shop_order_total_nonnegative' }),
    ],
  })
}

/** Strings and labels too long for any line. */
function overlong() {
  const sql = `UPDATE shop_order SET state = 'archived' WHERE ${Array.from({ length: 8 }, (_, i) => `flag_${i} IS NULL`).join(' AND ')}`
  return migrationSource({
    dependencies: [['shop', `0001_${'initial_'.repeat(16)}x`]],
    operations: [
      new AddConstraint({ modelName: 'order', constraint: new CheckConstraint({ check: sql.slice(7), name: 'c' }) }),
      new RunSQL({ sql, reverseSql: [sql, sql] }),
      new AddField({ modelName: 'order', name: 'state', field: new CharField({ maxLength: 10, default: sql }) }),
      new AddField({
        modelName: 'order',
        name: 'owner',
        field: new ForeignKey(`shop.${'Customer'.repeat(14)}`, { onDelete: 'CASCADE' }),
      }),
    ],
  })
}

describe('migrationSource', () => {
  it('writes an initial migration with the imports it needs', () => {
    expect(initial()).toBe(`import {
  BigAutoField,
  CharField,
  CheckConstraint,
  ForeignKey,
  Index,
  IntegerField,
  ManyToManyField,
} from '@dorm/engine'
import { CreateModel, migration } from '@dorm/engine/migrations'

export default migration({
  operations: [
    new CreateModel({
      name: 'Customer',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        name: new CharField({ maxLength: 100 }),
      },
    }),
    new CreateModel({
      name: 'Order',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        customer: new ForeignKey('shop.Customer', { onDelete: 'CASCADE', relatedName: 'orders' }),
        total: new IntegerField({ default: 0 }),
        tags: new ManyToManyField('shop.Tag', { relatedName: 'orders', dbTable: 'shop_order_tag_links' }),
      },
      options: {
        dbTable: 'orders',
        ordering: ['-total'],
        indexes: [new Index({ fields: ['total'], name: 'shop_order_total_idx' })],
        constraints: [new CheckConstraint({ check: 'total >= 0', name: 'shop_order_total_positive' })],
        uniqueTogether: [['customer', 'total']],
        managed: false,
      },
    }),
  ],
})
`)
  })

  it('writes every operation it knows, dependencies, atomic: false and custom import paths', () => {
    expect(
      everything(),
    ).toBe(`import { CharField, DateTimeField, Index, JSONField, TextField, UniqueConstraint } from '../../../src/index.js'
import {
  AddConstraint,
  AddField,
  AddIndex,
  AlterField,
  AlterModelTable,
  DeleteModel,
  migration,
  RemoveConstraint,
  RemoveField,
  RemoveIndex,
  RenameField,
  RenameModel,
  RunSQL,
} from '../../../src/migrations/index.js'

export default migration({
  dependencies: [
    ['shop', '0001_initial'],
    ['accounts', '0003_user_email'],
  ],
  atomic: false,
  operations: [
    new AddField({ modelName: 'customer', name: 'email', field: new CharField({ maxLength: 200, null: true }) }),
    new AddField({
      modelName: 'customer',
      name: 'preferences',
      field: new JSONField({ default: { newsletter: true, channels: ['email', 'sms'] }, null: false }),
    }),
    new AlterField({ modelName: 'customer', name: 'name', field: new CharField({ maxLength: 255 }) }),
    new RemoveField({ modelName: 'order', name: 'note' }),
    new RenameField({ modelName: 'order', oldName: 'total', newName: 'amount' }),
    new AddIndex({
      modelName: 'order',
      index: new Index({ fields: ['-placedAt'], name: 'shop_order_placed_idx', condition: "state <> 'void'" }),
      concurrently: true,
    }),
    new RemoveIndex({ modelName: 'order', name: 'shop_order_total_idx', concurrently: true }),
    new AddConstraint({
      modelName: 'customer',
      constraint: new UniqueConstraint({ fields: ['email'], name: 'customer_email_uniq' }),
    }),
    new RemoveConstraint({ modelName: 'order', name: 'shop_order_total_positive' }),
    new AlterModelTable({ name: 'Order', table: 'shop_orders' }),
    new RenameModel({ oldName: 'Legacy', newName: 'Archive' }),
    new DeleteModel({ name: 'Archive' }),
    new RunSQL({ sql: "UPDATE shop_order SET state = 'new' WHERE state IS NULL", reverseSql: RunSQL.noop }),
    new RunSQL({ sql: ['SELECT 1', 'SELECT 2'] }),
    new AddField({
      modelName: 'order',
      name: 'placedAt',
      field: new DateTimeField({ default: new Date('1970-01-01T00:00:00.000Z') }),
    }),
    new AddField({ modelName: 'order', name: 'memo', field: new TextField() }),
  ],
})
`)
  })

  it('writes AddConstraint notValid and ValidateConstraint', () => {
    expect(notValidThenValidate()).toBe(`import { CheckConstraint } from '@dorm/engine'
import { AddConstraint, migration, ValidateConstraint } from '@dorm/engine/migrations'

export default migration({
  dependencies: [['shop', '0004_order_total']],
  operations: [
    new AddConstraint({
      modelName: 'order',
      constraint: new CheckConstraint({ check: 'total >= 0', name: 'shop_order_total_nonnegative' }),
      notValid: true,
    }),
    new ValidateConstraint({ modelName: 'order', name: 'shop_order_total_nonnegative' }),
  ],
})
`)
  })

  it('writes an empty migration', () => {
    expect(migrationSource({ dependencies: [['shop', '0002_customer_email']], operations: [] })).toBe(
      "import { migration } from '@dorm/engine/migrations'\n\nexport default migration({\n" +
        "  dependencies: [['shop', '0002_customer_email']],\n  operations: [],\n})\n",
    )
  })

  it('refuses RunCode: a function has no source form', () => {
    const op = new RunCode({ code: async () => undefined })
    expect(() => migrationSource({ operations: [op] })).toThrow(MigrationError)
    expect(() => migrationSource({ operations: [op] })).toThrow(/RunCode cannot be written by makemigrations/)
  })

  it.skipIf(!existsSync(BIOME))('writes what biome check --write leaves untouched', () => {
    for (const source of [initial(), everything(), overlong(), notValidThenValidate()])
      expect(biome(source)).toBe(source)
  })
})
