import { describe, expect, it } from 'vitest'
import { CharField, UUIDField } from '../../../models/fields/index.js'
import { AlterField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { addPrimaryKey } from './m015-add-primary-key.js'
import { runRule } from './rule-test-helpers.js'

const history = [
  new CreateModel({ name: 'Log', fields: { uid: new UUIDField(), text: new CharField({ maxLength: 9 }) } }),
]
const makePk = () => new AlterField({ modelName: 'log', name: 'uid', field: new UUIDField({ primaryKey: true }) })

describe('DORM-M015 add-primary-key', () => {
  it('flags AlterField that makes a primary key on an existing table', async () => {
    const hits = await runRule(addPrimaryKey, { history, operations: [makePk()] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("ACCESS EXCLUSIVE on 'x_log'")
    expect(hits[0]?.help).toContain('PRIMARY KEY USING INDEX')
  })

  it('is silent on a model created in the same migration and for an existing key', async () => {
    expect(await runRule(addPrimaryKey, { operations: [...history, makePk()] })).toEqual([])
    const keyed = [new CreateModel({ name: 'Log', fields: { uid: new UUIDField({ primaryKey: true }) } })]
    expect(await runRule(addPrimaryKey, { history: keyed, operations: [makePk()] })).toEqual([])
  })

  it('flags raw ADD PRIMARY KEY but not PRIMARY KEY USING INDEX', async () => {
    const hits = await runRule(addPrimaryKey, {
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_log ADD PRIMARY KEY (uid); ALTER TABLE x_log ADD CONSTRAINT x_log_pkey PRIMARY KEY USING INDEX i',
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('ADD PRIMARY KEY (uid)')
  })
})
