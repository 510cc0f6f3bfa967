import { describe, expect, it } from 'vitest'
import { parseChangedLines } from './changed-lines.js'

describe('parseChangedLines', () => {
  it('collects the added lines of each new file from a zero-context diff', () => {
    const diff = [
      'diff --git a/a.ts b/a.ts',
      '--- a/a.ts',
      '+++ b/a.ts',
      '@@ -3 +3 @@',
      '-x',
      '+y',
      '@@ -10,0 +11,2 @@',
      '+z',
      '+w',
      'diff --git a/gone.ts b/gone.ts',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      'diff --git a/b.ts b/b.ts',
      '+++ b/b.ts',
      '@@ -5,2 +4,0 @@',
    ].join('\n')
    const changed = parseChangedLines(diff)
    expect([...(changed.get('a.ts') ?? [])]).toEqual([3, 11, 12])
    expect(changed.has('gone.ts')).toBe(false)
    expect([...(changed.get('b.ts') ?? [])]).toEqual([])
  })
})
