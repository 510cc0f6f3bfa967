import { describe, expect, it } from 'vitest'
import { ForeignKey, TextField } from '../../../models/fields/index.js'
import { AddField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { foreignKeyNotValid } from './m011-foreign-key-not-valid.js'
import { runRule } from './rule-test-helpers.js'

const history = [
  new CreateModel({ name: 'Customer', fields: { name: new TextField() } }),
  new CreateModel({ name: 'Order', fields: { note: new TextField() } }),
]
const addCustomer = () =>
  new AddField({
    modelName: 'order',
    name: 'customer',
    field: new ForeignKey('x.Customer', { onDelete: 'CASCADE', null: true }),
  })

describe('DORM-M011 foreign-key-not-valid', () => {
  it('flags AddField of a ForeignKey on an existing table, naming both tables', async () => {
    const hits = await runRule(foreignKeyNotValid, { history, operations: [addCustomer()] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("SHARE ROW EXCLUSIVE on 'x_order' and 'x_customer'")
  })

  it('is silent on a table created in the same migration and on SQLite', async () => {
    expect(await runRule(foreignKeyNotValid, { operations: [...history, addCustomer()] })).toEqual([])
    expect(
      await runRule(foreignKeyNotValid, { history, operations: [addCustomer()], target: { vendor: 'sqlite' } }),
    ).toEqual([])
  })

  it('flags raw FOREIGN KEY and ADD COLUMN REFERENCES without NOT VALID, not with it', async () => {
    const hits = await runRule(foreignKeyNotValid, {
      history,
      operations: [
        new RunSQL({
          sql: [
            'ALTER TABLE x_order ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES x_customer (id)',
            'ALTER TABLE x_order ADD COLUMN other_id bigint REFERENCES x_customer (id)',
            'ALTER TABLE x_order ADD CONSTRAINT fk2 FOREIGN KEY (customer_id) REFERENCES x_customer (id) NOT VALID',
          ],
        }),
      ],
    })
    expect(hits).toHaveLength(2)
    expect(hits[0]?.message).toContain("referencing 'x_customer'")
  })
})
