import { describe, expect, it } from 'vitest'
import { UniqueConstraint } from '../../../models/constraints.js'
import { CharField } from '../../../models/fields/index.js'
import { AddField, AlterField } from '../../operations/field-operations.js'
import { AddConstraint } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { uniqueWithoutIndex } from './m014-unique-without-index.js'
import { runRule } from './rule-test-helpers.js'

const history = [new CreateModel({ name: 'Customer', fields: { email: new CharField({ maxLength: 200 }) } })]
const addUnique = () =>
  new AddConstraint({
    modelName: 'customer',
    constraint: new UniqueConstraint({ fields: ['email'], name: 'customer_email_uniq' }),
  })

describe('DORM-M014 unique-without-index', () => {
  it('flags AddConstraint(UniqueConstraint), with the concurrent unique index recipe', async () => {
    const hits = await runRule(uniqueWithoutIndex, { history, operations: [addUnique()] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("ACCESS EXCLUSIVE on 'x_customer'")
    expect(hits[0]?.help).toContain("name: 'customer_email_uniq', unique: true }), concurrently: true })")
    expect(hits[0]?.help).toContain('UNIQUE USING INDEX customer_email_uniq')
  })

  it('flags AlterField unique false -> true and AddField unique', async () => {
    const altered = await runRule(uniqueWithoutIndex, {
      history,
      operations: [
        new AlterField({
          modelName: 'customer',
          name: 'email',
          field: new CharField({ maxLength: 200, unique: true }),
        }),
      ],
    })
    expect(altered).toHaveLength(1)
    const added = await runRule(uniqueWithoutIndex, {
      history,
      operations: [
        new AddField({
          modelName: 'customer',
          name: 'code',
          field: new CharField({ maxLength: 9, null: true, unique: true }),
        }),
      ],
    })
    expect(added).toHaveLength(1)
  })

  it('is silent when unique stays, and on a model created in the same migration', async () => {
    const unique = [
      new CreateModel({ name: 'Customer', fields: { email: new CharField({ maxLength: 200, unique: true }) } }),
    ]
    const same = new AlterField({
      modelName: 'customer',
      name: 'email',
      field: new CharField({ maxLength: 250, unique: true }),
    })
    expect(await runRule(uniqueWithoutIndex, { history: unique, operations: [same] })).toEqual([])
    expect(await runRule(uniqueWithoutIndex, { operations: [...history, addUnique()] })).toEqual([])
  })

  it('flags raw ADD UNIQUE but not ADD CONSTRAINT ... UNIQUE USING INDEX', async () => {
    const hits = await runRule(uniqueWithoutIndex, {
      history,
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_customer ADD CONSTRAINT u UNIQUE (email); ALTER TABLE x_customer ADD CONSTRAINT u2 UNIQUE USING INDEX i',
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('ADD UNIQUE on x_customer (email)')
  })
})
