import { describe, expect, it } from 'vitest'
import { CharField } from '../../../models/fields/index.js'
import { AlterField, RenameField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { renameField } from './m008-rename-field.js'
import { runRule } from './rule-test-helpers.js'

const history = [new CreateModel({ name: 'Order', fields: { status: new CharField({ maxLength: 20 }) } })]

describe('DORM-M008 rename-field', () => {
  it('flags RenameField that renames the column', async () => {
    const hits = await runRule(renameField, {
      history,
      operations: [new RenameField({ modelName: 'order', oldName: 'status', newName: 'state' })],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("column 'status' of 'x_order' to 'state'")
    expect(hits[0]?.help).toContain("dbColumn: 'status'")
  })

  it('is silent when dbColumn keeps the old column name', async () => {
    const hits = await runRule(renameField, {
      history: [
        ...history,
        new AlterField({
          modelName: 'order',
          name: 'status',
          field: new CharField({ maxLength: 20, dbColumn: 'status' }),
        }),
      ],
      operations: [new RenameField({ modelName: 'order', oldName: 'status', newName: 'state' })],
    })
    expect(hits).toEqual([])
  })

  it('is silent on a model created in the same migration', async () => {
    const hits = await runRule(renameField, {
      operations: [...history, new RenameField({ modelName: 'order', oldName: 'status', newName: 'state' })],
    })
    expect(hits).toEqual([])
  })

  it('flags raw RENAME COLUMN, not on a table created in the same RunSQL', async () => {
    const flagged = await runRule(renameField, {
      history,
      operations: [new RunSQL({ sql: 'ALTER TABLE x_order RENAME COLUMN status TO state' })],
    })
    expect(flagged[0]?.message).toContain("RENAME COLUMN 'status' of 'x_order' to 'state'")
    const fresh = await runRule(renameField, {
      operations: [new RunSQL({ sql: 'CREATE TABLE t (a int); ALTER TABLE t RENAME COLUMN a TO b' })],
    })
    expect(fresh).toEqual([])
  })
})
