import { describe, expect, it } from 'vitest'
import { CheckConstraint } from '../../../models/constraints.js'
import { IntegerField } from '../../../models/fields/index.js'
import { AddConstraint } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { ValidateConstraint } from '../../operations/validate-constraint.js'
import { validateInSameTransaction } from './m019-validate-in-same-transaction.js'
import { runRule } from './rule-test-helpers.js'

const add = 'ALTER TABLE x_order ADD CONSTRAINT ck CHECK (total >= 0) NOT VALID'
const validate = 'ALTER TABLE x_order VALIDATE CONSTRAINT ck'

describe('DORM-M019 validate-in-same-transaction', () => {
  it('flags VALIDATE after its NOT VALID in the same atomic RunSQL', async () => {
    const hits = await runRule(validateInSameTransaction, { operations: [new RunSQL({ sql: [add, validate] })] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("VALIDATE CONSTRAINT ck on 'x_order'")
    expect(hits[0]?.help).toContain('later migration')
  })

  it('flags VALIDATE after a NOT VALID of an earlier RunSQL in an atomic migration', async () => {
    const hits = await runRule(validateInSameTransaction, {
      operations: [new RunSQL({ sql: add }), new RunSQL({ sql: validate })],
    })
    expect(hits).toHaveLength(1)
  })

  it('is silent for a VALIDATE alone, and in a non-atomic migration with separate strings', async () => {
    expect(await runRule(validateInSameTransaction, { operations: [new RunSQL({ sql: validate })] })).toEqual([])
    expect(
      await runRule(validateInSameTransaction, {
        atomic: false,
        operations: [new RunSQL({ sql: add }), new RunSQL({ sql: [validate] })],
      }),
    ).toEqual([])
  })

  it('flags a non-atomic migration when both share one SQL string (one implicit transaction)', async () => {
    const hits = await runRule(validateInSameTransaction, {
      atomic: false,
      operations: [new RunSQL({ sql: `${add}; ${validate}` })],
    })
    expect(hits).toHaveLength(1)
  })

  it('flags ValidateConstraint after AddConstraint notValid (or RunSQL NOT VALID) in one atomic migration', async () => {
    const history = [new CreateModel({ name: 'Order', fields: { total: new IntegerField() } })]
    const addOp = new AddConstraint({
      modelName: 'order',
      constraint: new CheckConstraint({ check: 'total >= 0', name: 'ck' }),
      notValid: true,
    })
    const validateOp = new ValidateConstraint({ modelName: 'order', name: 'ck' })
    const hits = await runRule(validateInSameTransaction, { history, operations: [addOp, validateOp] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("VALIDATE CONSTRAINT ck on 'x_order' runs in the same transaction")
    expect(hits[0]?.help).toContain('Move the ValidateConstraint to a later migration')
    expect(
      await runRule(validateInSameTransaction, { history, operations: [new RunSQL({ sql: add }), validateOp] }),
    ).toHaveLength(1)
    // RunSQL VALIDATE after AddConstraint notValid
    expect(
      await runRule(validateInSameTransaction, { history, operations: [addOp, new RunSQL({ sql: validate })] }),
    ).toHaveLength(1)
  })

  it('passes ValidateConstraint in a later migration, or in a non-atomic one', async () => {
    const history = [
      new CreateModel({ name: 'Order', fields: { total: new IntegerField() } }),
      new AddConstraint({
        modelName: 'order',
        constraint: new CheckConstraint({ check: 'total >= 0', name: 'ck' }),
        notValid: true,
      }),
    ]
    const validateOp = new ValidateConstraint({ modelName: 'order', name: 'ck' })
    expect(await runRule(validateInSameTransaction, { history, operations: [validateOp] })).toEqual([])
    const addOp = history[1] as AddConstraint
    expect(
      await runRule(validateInSameTransaction, {
        history: history.slice(0, 1),
        atomic: false,
        operations: [addOp, validateOp],
      }),
    ).toEqual([])
  })
})
