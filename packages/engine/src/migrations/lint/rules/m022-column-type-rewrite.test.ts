import { describe, expect, it } from 'vitest'
import { CharField, DecimalField, IntegerField } from '../../../models/fields/index.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { columnTypeRewrite } from './m022-column-type-rewrite.js'
import { runRule } from './rule-test-helpers.js'

const history = [
  new CreateModel({
    name: 'Order',
    fields: {
      code: new CharField({ maxLength: 20 }),
      total: new IntegerField(),
      price: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }),
    },
  }),
]
const alter = (sql: string) => runRule(columnTypeRewrite, { history, operations: [new RunSQL({ sql })] })

describe('DORM-M022 column-type-rewrite', () => {
  it('flags a rewriting type change of a dorm-managed column, naming both types', async () => {
    const hits = await alter('ALTER TABLE x_order ALTER COLUMN total TYPE bigint')
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("rewrites all of 'x_order'")
    expect(hits[0]?.message).toContain('int4 to int8 is not binary-coercible')
    expect(hits[0]?.help).toContain('AddField')
  })

  it('is silent for binary-coercible changes', async () => {
    expect(await alter('ALTER TABLE x_order ALTER COLUMN code TYPE text')).toEqual([])
    expect(await alter('ALTER TABLE x_order ALTER COLUMN code TYPE varchar(50)')).toEqual([])
    expect(await alter('ALTER TABLE x_order ALTER COLUMN price TYPE numeric(12, 2)')).toEqual([])
    expect(await alter('ALTER TABLE x_order ALTER COLUMN price TYPE numeric')).toEqual([])
  })

  it('flags a shorter varchar, a scale change and a computing USING', async () => {
    expect(await alter('ALTER TABLE x_order ALTER COLUMN code TYPE varchar(10)')).toHaveLength(1)
    expect(await alter('ALTER TABLE x_order ALTER COLUMN price TYPE numeric(12, 3)')).toHaveLength(1)
    const using = await alter('ALTER TABLE x_order ALTER COLUMN code TYPE text USING upper(code)')
    expect(using[0]?.message).toContain('USING computes every row')
  })

  it('assumes a rewrite for tables dorm does not know, and skips new tables', async () => {
    const hits = await alter('ALTER TABLE legacy ALTER COLUMN c TYPE text')
    expect(hits[0]?.message).toContain('dorm cannot tell the current type')
    expect(await alter('CREATE TABLE t (c int); ALTER TABLE t ALTER COLUMN c TYPE bigint')).toEqual([])
  })
})
