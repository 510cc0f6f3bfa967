import { describe, expect, it } from 'vitest'
import type { AnyField } from '../../../models/fields/field.js'
import {
  BigAutoField,
  BigIntegerField,
  CharField,
  DecimalField,
  IntegerField,
  TextField,
} from '../../../models/fields/index.js'
import { AlterField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { alterFieldRewrite, isSafeTypeChange } from './m002-alter-field-rewrite.js'
import { runRule } from './rule-test-helpers.js'

function alter(from: AnyField, to: AnyField, target?: { vendor: 'sqlite' }) {
  return runRule(alterFieldRewrite, {
    history: [new CreateModel({ name: 'Author', fields: { id: new BigAutoField({ primaryKey: true }), f: from } })],
    operations: [new AlterField({ modelName: 'author', name: 'f', field: to })],
    ...(target ? { target } : {}),
  })
}

describe('DORM-M002 alter-field-rewrite', () => {
  it('passes catalog-only changes: wider varchar, varchar to text, DROP NOT NULL, a new default', async () => {
    expect(await alter(new CharField({ maxLength: 100 }), new CharField({ maxLength: 255 }))).toEqual([])
    expect(await alter(new CharField({ maxLength: 100 }), new TextField())).toEqual([])
    expect(await alter(new IntegerField(), new IntegerField({ null: true }))).toEqual([])
    expect(await alter(new IntegerField(), new IntegerField({ default: 3 }))).toEqual([])
    expect(
      await alter(
        new DecimalField({ maxDigits: 8, decimalPlaces: 2 }),
        new DecimalField({ maxDigits: 12, decimalPlaces: 2 }),
      ),
    ).toEqual([])
  })

  it('fires on a rewriting type change and says which types', async () => {
    const [hit] = await alter(new IntegerField(), new BigIntegerField())
    expect(hit?.message).toBe(
      "AlterField on BigIntegerField 'author.f' changes the column type from integer to bigint, which rewrites " +
        'x_author and rebuilds its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait).',
    )
    expect(await alter(new CharField({ maxLength: 255 }), new CharField({ maxLength: 100 }))).toHaveLength(1)
  })

  it('joins the reasons of one AlterField', async () => {
    const [hit] = await alter(new IntegerField(), new BigIntegerField({ unique: true }))
    expect(hit?.message).toContain('changes the column type from integer to bigint')
    expect(hit?.message).toContain('; adds a UNIQUE constraint')
    expect(hit?.help).toContain('. Build a unique index CONCURRENTLY')
  })

  it('leaves SET NOT NULL to DORM-M013 on PostgreSQL (one change, one finding), not on SQLite', async () => {
    expect(await alter(new IntegerField({ null: true }), new IntegerField())).toEqual([])
    const [unique] = await alter(new IntegerField({ null: true }), new IntegerField({ unique: true }))
    expect(unique?.message).not.toContain('NOT NULL')
    const [sqlite] = await alter(new IntegerField({ null: true }), new IntegerField(), { vendor: 'sqlite' })
    expect(sqlite?.message).toContain('rebuilding x_author')
  })

  it('on SQLite any column change rebuilds the table', async () => {
    const [hit] = await alter(new CharField({ maxLength: 100 }), new CharField({ maxLength: 255 }), {
      vendor: 'sqlite',
    })
    expect(hit?.message).toContain('is applied on SQLite by rebuilding x_author')
  })

  it('is silent on a model created in the same migration', async () => {
    const hits = await runRule(alterFieldRewrite, {
      operations: [
        new CreateModel({
          name: 'Author',
          fields: { id: new BigAutoField({ primaryKey: true }), f: new IntegerField() },
        }),
        new AlterField({ modelName: 'author', name: 'f', field: new BigIntegerField() }),
      ],
    })
    expect(hits).toEqual([])
  })

  it('knows the binary-coercible type changes', () => {
    expect(isSafeTypeChange('varchar(10)', 'varchar(10)')).toBe(true)
    expect(isSafeTypeChange('cidr', 'inet')).toBe(true)
    expect(isSafeTypeChange('numeric(8, 2)', 'numeric(8, 3)')).toBe(false)
    expect(isSafeTypeChange('text', 'varchar(10)')).toBe(false)
  })
})
