import { describe, expect, it } from 'vitest'
import { RunSQL } from '../../operations/special-operations.js'
import { lockTimeoutDisabled } from './m023-lock-timeout-disabled.js'
import { runRule } from './rule-test-helpers.js'

const run = (sql: string, vendor: 'postgresql' | 'sqlite' = 'postgresql') =>
  runRule(lockTimeoutDisabled, { operations: [new RunSQL({ sql, reverseSql: RunSQL.noop })], target: { vendor } })

describe('DORM-M023 lock-timeout-disabled', () => {
  it('flags every way to switch the lock_timeout off, once per statement', async () => {
    const hits = await run(
      [
        'SET lock_timeout = 0',
        "SET LOCAL lock_timeout TO '0'",
        "SET SESSION lock_timeout = '0ms'",
        'SET lock_timeout TO DEFAULT',
        'RESET lock_timeout',
        'RESET ALL',
        'SET statement_timeout = 0',
      ].join(';\n'),
    )
    expect(hits.map((h) => h.message.split(':')[0])).toEqual([
      'SET lock_timeout = 0 lets a statement wait for its lock forever',
      'SET lock_timeout = 0 lets a statement wait for its lock forever',
      'SET lock_timeout = 0 lets a statement wait for its lock forever',
      'SET lock_timeout TO DEFAULT puts back the server default',
      'RESET lock_timeout puts back the server default',
      'RESET ALL resets lock_timeout to the server default',
      'SET statement_timeout = 0 lets a statement run forever',
    ])
    expect(hits[0]?.message).toContain('dorm migrate sets lock_timeout for every migration')
    expect(hits[0]?.help).toContain('dorm migrate --lock-timeout <ms>')
  })

  it('passes a finite timeout, other settings, comments and strings', async () => {
    expect(await run("SET LOCAL lock_timeout = '30s'; SET statement_timeout = 60000")).toEqual([])
    expect(await run("SET search_path = public; RESET search_path; SET work_mem = '0'")).toEqual([])
    expect(await run("-- SET lock_timeout = 0\nUPDATE t SET note = 'RESET lock_timeout'")).toEqual([])
  })

  it('says nothing on SQLite', async () => {
    expect(await run('SET lock_timeout = 0', 'sqlite')).toEqual([])
  })
})
