import { describe, expect, it } from 'vitest'
import { RunSQL } from '../../operations/special-operations.js'
import { destructiveRunSql } from './m006-destructive-run-sql.js'
import { runRule } from './rule-test-helpers.js'

const run = (sql: string, reverseSql?: string) =>
  runRule(destructiveRunSql, { operations: [new RunSQL({ sql, ...(reverseSql === undefined ? {} : { reverseSql }) })] })

describe('DORM-M006 destructive-run-sql', () => {
  it('fires once per destructive statement found by the parser', async () => {
    const hits = await run(
      'DROP TABLE shop_legacy; UPDATE shop_order SET n = 1; TRUNCATE shop_log; ALTER TABLE t DROP COLUMN c',
    )
    expect(hits.map((h) => h.message)).toEqual([
      'destructive RunSQL with empty reverse_sql — `DROP TABLE shop_legacy` (DROP TABLE) destroys data and the migration cannot be rolled back at all.',
      'destructive RunSQL with empty reverse_sql — `TRUNCATE shop_log` (TRUNCATE) destroys data and the migration cannot be rolled back at all.',
      'destructive RunSQL with empty reverse_sql — `ALTER TABLE t DROP COLUMN c` (DROP COLUMN) destroys data and the migration cannot be rolled back at all.',
    ])
  })

  it('says a no-op reverse silently loses the data', async () => {
    const [hit] = await run('DROP TABLE shop_legacy', RunSQL.noop)
    expect(hit?.message).toContain('the rollback will silently be a no-op')
  })

  it('passes with a reverseSql, and on words in strings or comments (the original matched text)', async () => {
    expect(await run('DROP TABLE shop_legacy', 'CREATE TABLE shop_legacy (id int)')).toEqual([])
    expect(await run("-- DROP TABLE x\nUPDATE t SET note = 'TRUNCATE later'")).toEqual([])
    expect(await run('DROP INDEX shop_idx')).toEqual([])
  })
})
