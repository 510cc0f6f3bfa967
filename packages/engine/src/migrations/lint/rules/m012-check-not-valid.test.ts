import { describe, expect, it } from 'vitest'
import { CheckConstraint } from '../../../models/constraints.js'
import { IntegerField } from '../../../models/fields/index.js'
import { AddConstraint } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { checkNotValid } from './m012-check-not-valid.js'
import { runRule } from './rule-test-helpers.js'

const history = [new CreateModel({ name: 'Book', fields: { pages: new IntegerField() } })]
const addCheck = () =>
  new AddConstraint({
    modelName: 'book',
    constraint: new CheckConstraint({ check: 'pages >= 0', name: 'book_pages_positive' }),
  })

describe('DORM-M012 check-not-valid', () => {
  it('flags AddConstraint(CheckConstraint) on an existing table with the NOT VALID recipe', async () => {
    const hits = await runRule(checkNotValid, { history, operations: [addCheck()] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("ACCESS EXCLUSIVE on 'x_book'")
    expect(hits[0]?.help).toContain(
      "new AddConstraint({ modelName: 'book', constraint: new CheckConstraint({ check: 'pages >= 0', name: 'book_pages_positive' }), notValid: true })",
    )
    expect(hits[0]?.help).toContain("new ValidateConstraint({ modelName: 'book', name: 'book_pages_positive' })")
  })

  it('is silent on a table created in the same migration', async () => {
    expect(await runRule(checkNotValid, { operations: [...history, addCheck()] })).toEqual([])
  })

  it('flags raw ADD CHECK without NOT VALID only', async () => {
    const hits = await runRule(checkNotValid, {
      history,
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_book ADD CONSTRAINT a CHECK (pages > 0); ALTER TABLE x_book ADD CONSTRAINT b CHECK (pages < 9) NOT VALID',
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('ADD CONSTRAINT a CHECK')
  })

  it('passes AddConstraint notValid: true, the safe way', async () => {
    const safe = new AddConstraint({
      modelName: 'book',
      constraint: new CheckConstraint({ check: 'pages >= 0', name: 'book_pages_positive' }),
      notValid: true,
    })
    expect(await runRule(checkNotValid, { history, operations: [safe] })).toEqual([])
  })
})
