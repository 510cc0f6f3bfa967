import { describe, expect, it } from 'vitest'
import { BigAutoField, IntegerField } from '../../../models/fields/index.js'
import { AddField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { addFieldWithDefault, M001_LEAD } from './m001-add-field-with-default.js'
import { runRule } from './rule-test-helpers.js'

const author = new CreateModel({ name: 'Author', fields: { id: new BigAutoField({ primaryKey: true }) } })
const score = (options: ConstructorParameters<typeof IntegerField>[0]) =>
  new AddField({ modelName: 'author', name: 'score', field: new IntegerField(options) })

describe('DORM-M001 add-field-with-default', () => {
  it('fires on NOT NULL with a default, naming the dropped default on PostgreSQL 11+', async () => {
    const [hit, ...rest] = await runRule(addFieldWithDefault, {
      history: [author],
      operations: [score({ default: 0 })],
    })
    expect(rest).toEqual([])
    expect(hit?.message.startsWith(`${M001_LEAD} On PostgreSQL 15 the constant default is stored in the catalog`)).toBe(
      true,
    )
    expect(hit?.message).toContain("inserts by the running release (which does not know 'score') fail")
    expect(hit?.help).toContain('null: true')
  })

  it('says the table is rewritten before PostgreSQL 11', async () => {
    const [hit] = await runRule(addFieldWithDefault, {
      history: [author],
      operations: [score({ default: 0 })],
      target: { postgresVersion: 10 },
    })
    expect(hit?.message).toContain('On PostgreSQL 10 that rewrites the whole table under an ACCESS EXCLUSIVE lock')
  })

  it('warns that a default function runs once', async () => {
    const [hit] = await runRule(addFieldWithDefault, { history: [author], operations: [score({ default: () => 7 })] })
    expect(hit?.message).toContain('every existing row gets the same value')
  })

  it('is silent without a default (the original fired anyway), when nullable, and on a model created here', async () => {
    expect(await runRule(addFieldWithDefault, { history: [author], operations: [score({})] })).toEqual([])
    expect(
      await runRule(addFieldWithDefault, { history: [author], operations: [score({ null: true, default: 0 })] }),
    ).toEqual([])
    expect(await runRule(addFieldWithDefault, { operations: [author, score({ default: 0 })] })).toEqual([])
  })
})
