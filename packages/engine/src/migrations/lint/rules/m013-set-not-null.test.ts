import { describe, expect, it } from 'vitest'
import { CheckConstraint } from '../../../models/constraints.js'
import { TextField } from '../../../models/fields/index.js'
import { AlterField } from '../../operations/field-operations.js'
import { AddConstraint } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { ValidateConstraint } from '../../operations/validate-constraint.js'
import { setNotNull } from './m013-set-not-null.js'
import { runRule } from './rule-test-helpers.js'

const history = [new CreateModel({ name: 'Order', fields: { note: new TextField({ null: true }) } })]
const required = () => new AlterField({ modelName: 'order', name: 'note', field: new TextField() })

describe('DORM-M013 set-not-null', () => {
  it('flags AlterField null true -> false, mentioning the PostgreSQL 12+ CHECK shortcut', async () => {
    const hits = await runRule(setNotNull, { history, operations: [required()] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("scans all of 'x_order' under ACCESS EXCLUSIVE")
    expect(hits[0]?.message).toContain('validated CHECK (note IS NOT NULL)')
    expect(hits[0]?.help).toContain("new ValidateConstraint({ modelName, name: 'x_order_note_not_null' })")
  })

  it('is silent when a validated CHECK exists in the state or earlier in the migration', async () => {
    const check = new AddConstraint({
      modelName: 'order',
      constraint: new CheckConstraint({ check: 'note IS NOT NULL', name: 'order_note_nn' }),
    })
    expect(await runRule(setNotNull, { history: [...history, check], operations: [required()] })).toEqual([])
    const sql = new RunSQL({
      sql: [
        'ALTER TABLE x_order ADD CONSTRAINT nn CHECK (note IS NOT NULL) NOT VALID',
        'ALTER TABLE x_order VALIDATE CONSTRAINT nn',
      ],
    })
    expect(await runRule(setNotNull, { history, operations: [sql, required()] })).toEqual([])
  })

  it('is silent when the CHECK was added NOT VALID and validated in earlier migrations (RunSQL)', async () => {
    const add = new RunSQL({
      sql: 'ALTER TABLE x_order ADD CONSTRAINT x_order_note_nn CHECK (note IS NOT NULL) NOT VALID',
    })
    const validate = new RunSQL({ sql: 'ALTER TABLE "x_order" VALIDATE CONSTRAINT x_order_note_nn;' })
    expect(await runRule(setNotNull, { history: [...history, add, validate], operations: [required()] })).toEqual([])
    // added NOT VALID but never validated: PostgreSQL still scans
    expect(await runRule(setNotNull, { history: [...history, add], operations: [required()] })).toHaveLength(1)
    // validated, then dropped again
    const drop = new RunSQL({ sql: 'ALTER TABLE x_order DROP CONSTRAINT IF EXISTS x_order_note_nn' })
    const dropped = await runRule(setNotNull, { history: [...history, add, validate, drop], operations: [required()] })
    expect(dropped).toHaveLength(1)
    // a CHECK on another column or another table proves nothing
    const other = new RunSQL({ sql: 'ALTER TABLE x_customer ADD CONSTRAINT c_nn CHECK (note IS NOT NULL)' })
    expect(await runRule(setNotNull, { history: [...history, other], operations: [required()] })).toHaveLength(1)
  })

  it('ignores NOT VALID checks mentioned only in comments', async () => {
    const commented = new RunSQL({
      sql: '-- ALTER TABLE x_order ADD CONSTRAINT nn CHECK (note IS NOT NULL);\nSELECT 1',
    })
    expect(await runRule(setNotNull, { history: [...history, commented], operations: [required()] })).toHaveLength(1)
  })

  it('still flags on PostgreSQL 11, where the CHECK does not help', async () => {
    const check = new AddConstraint({
      modelName: 'order',
      constraint: new CheckConstraint({ check: 'note IS NOT NULL', name: 'order_note_nn' }),
    })
    const hits = await runRule(setNotNull, {
      history: [...history, check],
      operations: [required()],
      target: { postgresVersion: 11 },
    })
    expect(hits[0]?.message).toContain('before 12 the scan always happens')
  })

  it('flags raw SET NOT NULL unless an unvalidated CHECK was validated first', async () => {
    const flagged = await runRule(setNotNull, {
      history,
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_order ADD CONSTRAINT nn CHECK (note IS NOT NULL) NOT VALID; ALTER TABLE x_order ALTER COLUMN note SET NOT NULL',
        }),
      ],
    })
    expect(flagged).toHaveLength(1)
    const clean = await runRule(setNotNull, {
      history,
      operations: [
        new RunSQL({
          sql: 'ALTER TABLE x_order ADD CONSTRAINT nn CHECK ("note" IS NOT NULL) NOT VALID; ALTER TABLE x_order VALIDATE CONSTRAINT nn; ALTER TABLE x_order ALTER COLUMN note SET NOT NULL',
        }),
      ],
    })
    expect(clean).toEqual([])
  })

  it('is silent on a model created in the same migration', async () => {
    expect(await runRule(setNotNull, { operations: [...history, required()] })).toEqual([])
  })

  it('follows AddConstraint notValid and ValidateConstraint: silent only once validated', async () => {
    const add = new AddConstraint({
      modelName: 'order',
      constraint: new CheckConstraint({ check: 'note IS NOT NULL', name: 'x_order_note_nn' }),
      notValid: true,
    })
    const validate = new ValidateConstraint({ modelName: 'order', name: 'x_order_note_nn' })
    expect(await runRule(setNotNull, { history: [...history, add], operations: [required()] })).toHaveLength(1)
    expect(await runRule(setNotNull, { history: [...history, add, validate], operations: [required()] })).toEqual([])
  })
})
