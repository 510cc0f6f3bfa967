import { describe, expect, it } from 'vitest'
import { Index } from '../../../models/constraints.js'
import { ForeignKey, IntegerField, TextField } from '../../../models/fields/index.js'
import { AddField, RenameField } from '../../operations/field-operations.js'
import { AddIndex } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { indexUnderExclusiveLock } from './m020-index-under-exclusive-lock.js'
import { runRule } from './rule-test-helpers.js'

const history = [
  new CreateModel({ name: 'Customer', fields: { name: new TextField() } }),
  new CreateModel({ name: 'Order', fields: { total: new IntegerField(), note: new TextField() } }),
]
const index = new Index({ fields: ['total'], name: 'order_total_idx' })

describe('DORM-M020 index-under-exclusive-lock', () => {
  it('flags AddIndex after an ACCESS EXCLUSIVE operation on the same table', async () => {
    const hits = await runRule(indexUnderExclusiveLock, {
      history,
      operations: [
        new RenameField({ modelName: 'order', oldName: 'note', newName: 'remark' }),
        new AddIndex({ modelName: 'order', index }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain(
      "Index 'order_total_idx' is built on 'x_order' in the same transaction as RenameField",
    )
    expect(hits[0]?.help).toContain('concurrently: true')
  })

  it('flags AddField of a ForeignKey: ADD COLUMN and the field index share the transaction', async () => {
    const hits = await runRule(indexUnderExclusiveLock, {
      history,
      operations: [
        new AddField({
          modelName: 'order',
          name: 'customer',
          field: new ForeignKey('x.Customer', { onDelete: 'CASCADE', null: true }),
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("of field 'customer'")
    expect(hits[0]?.message).toContain('its own ADD COLUMN')
  })

  it('is silent alone, for another table, with atomic: false, or dbIndex: false', async () => {
    const fk = new ForeignKey('x.Customer', { onDelete: 'CASCADE', null: true, dbIndex: false })
    expect(
      await runRule(indexUnderExclusiveLock, { history, operations: [new AddIndex({ modelName: 'order', index })] }),
    ).toEqual([])
    expect(
      await runRule(indexUnderExclusiveLock, {
        history,
        operations: [
          new AddField({ modelName: 'customer', name: 'age', field: new IntegerField({ null: true }) }),
          new AddIndex({ modelName: 'order', index }),
        ],
      }),
    ).toEqual([])
    expect(
      await runRule(indexUnderExclusiveLock, {
        history,
        atomic: false,
        operations: [
          new RenameField({ modelName: 'order', oldName: 'note', newName: 'remark' }),
          new AddIndex({ modelName: 'order', index }),
        ],
      }),
    ).toEqual([])
    expect(
      await runRule(indexUnderExclusiveLock, {
        history,
        operations: [new AddField({ modelName: 'order', name: 'customer', field: fk })],
      }),
    ).toEqual([])
  })

  it('flags raw CREATE INDEX after an ALTER TABLE in the same atomic migration, not after VALIDATE', async () => {
    const hits = await runRule(indexUnderExclusiveLock, {
      history,
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_order ADD COLUMN flag bool; CREATE INDEX order_flag_idx ON x_order (flag)',
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("Index 'order_flag_idx'")
    const validate = await runRule(indexUnderExclusiveLock, {
      history,
      operations: [new RunSQL({ sql: 'ALTER TABLE x_order VALIDATE CONSTRAINT c; CREATE INDEX i ON x_order (total)' })],
    })
    expect(validate).toEqual([])
  })

  it('is silent for a table created in the same migration', async () => {
    const hits = await runRule(indexUnderExclusiveLock, {
      operations: [
        new RunSQL({ sql: 'CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int; CREATE INDEX i ON t (b)' }),
      ],
    })
    expect(hits).toEqual([])
  })
})
