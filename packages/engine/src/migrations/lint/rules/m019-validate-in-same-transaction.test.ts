import { describe, expect, it } from 'vitest'
import { RunSQL } from '../../operations/special-operations.js'
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
})
