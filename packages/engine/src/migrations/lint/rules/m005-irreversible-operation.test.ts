import { describe, expect, it } from 'vitest'
import { RunCode, RunSQL } from '../../operations/special-operations.js'
import { irreversibleOperation } from './m005-irreversible-operation.js'
import { runRule } from './rule-test-helpers.js'

describe('DORM-M005 irreversible-operation', () => {
  it('fires on an operation with reversible=false', async () => {
    const [hit] = await runRule(irreversibleOperation, { operations: [new RunSQL({ sql: 'SELECT 1' })] })
    expect(hit?.message).toBe(
      'RunSQL declares reversible=false (it has no reverseSql) — `dorm migrate x <previous>` will refuse to undo 0002_y.',
    )
    expect(hit?.help).toContain('RunSQL.noop')
  })

  it('passes reversible operations, and leaves RunCode to DORM-M004 (one mistake, one finding)', async () => {
    expect(
      await runRule(irreversibleOperation, { operations: [new RunSQL({ sql: 'SELECT 1', reverseSql: RunSQL.noop })] }),
    ).toEqual([])
    expect(await runRule(irreversibleOperation, { operations: [new RunCode({ code: () => undefined })] })).toEqual([])
  })

  it('leaves a destructive RunSQL to DORM-M006, which says the rollback is impossible', async () => {
    const sql = new RunSQL({ sql: 'UPDATE t SET n = 1; ALTER TABLE t DROP COLUMN legacy' })
    expect(await runRule(irreversibleOperation, { operations: [sql] })).toEqual([])
  })

  it('reports a multi-statement RunSQL once', async () => {
    const sql = new RunSQL({ sql: 'UPDATE t SET n = 1; UPDATE t SET m = 2' })
    expect(await runRule(irreversibleOperation, { operations: [sql] })).toHaveLength(1)
  })
})
