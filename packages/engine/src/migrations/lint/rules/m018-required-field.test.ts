import { describe, expect, it } from 'vitest'
import { BigAutoField, IntegerField, ManyToManyField, TextField } from '../../../models/fields/index.js'
import { AddField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { requiredField } from './m018-required-field.js'
import { runRule } from './rule-test-helpers.js'

const history = [
  new CreateModel({ name: 'Order', fields: { id: new BigAutoField({ primaryKey: true }), note: new TextField() } }),
]

describe('DORM-M018 required-field', () => {
  it('flags AddField NOT NULL without a default on an existing table', async () => {
    const hits = await runRule(requiredField, {
      history,
      operations: [new AddField({ modelName: 'order', name: 'total', field: new IntegerField() })],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("ADD COLUMN fails on 'x_order'")
    expect(hits[0]?.help).toContain('default: 0')
  })

  it('is silent with a default, with null: true, for many-to-many and on new models', async () => {
    const operations = [
      new AddField({ modelName: 'order', name: 'a', field: new IntegerField({ default: 0 }) }),
      new AddField({ modelName: 'order', name: 'b', field: new IntegerField({ null: true }) }),
      new AddField({ modelName: 'order', name: 'tags', field: new ManyToManyField('x.Order') }),
    ]
    expect(await runRule(requiredField, { history, operations })).toEqual([])
    expect(
      await runRule(requiredField, {
        operations: [...history, new AddField({ modelName: 'order', name: 'total', field: new IntegerField() })],
      }),
    ).toEqual([])
  })

  it('flags raw ADD COLUMN NOT NULL without DEFAULT only', async () => {
    const hits = await runRule(requiredField, {
      history,
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_order ADD COLUMN a int NOT NULL, ADD COLUMN b int NOT NULL DEFAULT 0, ADD COLUMN c bigserial NOT NULL, ADD COLUMN d text, ADD COLUMN e int NOT NULL GENERATED ALWAYS AS IDENTITY',
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('ADD COLUMN a NOT NULL without DEFAULT')
  })
})
