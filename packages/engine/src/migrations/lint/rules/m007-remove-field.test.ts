import { describe, expect, it } from 'vitest'
import { TextField } from '../../../models/fields/index.js'
import { RemoveField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { removeField } from './m007-remove-field.js'
import { runRule } from './rule-test-helpers.js'

const history = [new CreateModel({ name: 'Order', fields: { note: new TextField({ null: true }) } })]

describe('DORM-M007 remove-field', () => {
  it('flags RemoveField on an existing model, naming the column and the lock', async () => {
    const hits = await runRule(removeField, {
      history,
      operations: [new RemoveField({ modelName: 'order', name: 'note' })],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("column 'note' of 'x_order'")
    expect(hits[0]?.message).toContain('ACCESS EXCLUSIVE')
    expect(hits[0]?.help).toContain('AlterField')
  })

  it('is silent when the model was created earlier in the same migration', async () => {
    const hits = await runRule(removeField, {
      operations: [...history, new RemoveField({ modelName: 'order', name: 'note' })],
    })
    expect(hits).toEqual([])
  })

  it('flags raw DROP COLUMN on an existing table', async () => {
    const hits = await runRule(removeField, {
      history,
      operations: [new RunSQL({ sql: 'ALTER TABLE x_order DROP COLUMN note, ADD COLUMN extra int' })],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("DROP COLUMN 'note' of 'x_order'")
  })

  it('is silent for DROP COLUMN on a table created earlier in the same RunSQL', async () => {
    const hits = await runRule(removeField, {
      operations: [new RunSQL({ sql: 'CREATE TABLE tmp (a int, b int); ALTER TABLE tmp DROP COLUMN b' })],
    })
    expect(hits).toEqual([])
  })

  it('is silent for DROP COLUMN on a table an earlier RunSQL of the migration created', async () => {
    const hits = await runRule(removeField, {
      operations: [
        new RunSQL({ sql: 'CREATE TABLE "Tmp" (a int)' }),
        new RunSQL({ sql: 'ALTER TABLE "Tmp" DROP COLUMN a' }),
      ],
    })
    expect(hits).toEqual([])
  })
})
