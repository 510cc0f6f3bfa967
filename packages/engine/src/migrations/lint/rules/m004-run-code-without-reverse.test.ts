import { describe, expect, it } from 'vitest'
import { RunCode } from '../../operations/special-operations.js'
import { runCodeWithoutReverse } from './m004-run-code-without-reverse.js'
import { runRule } from './rule-test-helpers.js'

const code = async () => undefined

describe('DORM-M004 run-code-without-reverse', () => {
  it('fires without reverseCode', async () => {
    const [hit] = await runRule(runCodeWithoutReverse, { operations: [new RunCode({ code })] })
    expect(hit?.message).toBe(
      'RunCode without reverseCode is irreversible — `dorm migrate x <previous>` will refuse to roll back past 0002_y.',
    )
    expect(hit?.help).toContain('RunCode.noop')
  })

  it('passes with reverseCode, RunCode.noop included', async () => {
    expect(
      await runRule(runCodeWithoutReverse, { operations: [new RunCode({ code, reverseCode: RunCode.noop })] }),
    ).toEqual([])
  })
})
