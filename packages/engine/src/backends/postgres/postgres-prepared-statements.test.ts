import { describe, expect, it } from 'vitest'
import { MAX_PREPARED_PER_CONNECTION, PreparedStatementTracker } from './postgres-prepared-statements.js'

describe('PreparedStatementTracker', () => {
  it('names a shape from its threshold-th execution on, with a stable name', () => {
    const tracker = new PreparedStatementTracker(3)
    expect(tracker.nameFor('SELECT $1')).toBeUndefined()
    expect(tracker.nameFor('SELECT $1')).toBeUndefined()
    const name = tracker.nameFor('SELECT $1')
    expect(name).toMatch(/^dorm_[0-9a-f]{20}$/)
    expect(tracker.nameFor('SELECT $1')).toBe(name)
    expect(tracker.nameFor('SELECT 2')).toBeUndefined()
  })

  it('prepares from the first execution with 0 and never with null', () => {
    expect(new PreparedStatementTracker(0).nameFor('SELECT 1')).toBeDefined()
    const never = new PreparedStatementTracker(null)
    for (let i = 0; i < 50; i++) expect(never.nameFor('SELECT 1')).toBeUndefined()
  })

  it('caps the prepared statements of one connection', () => {
    const tracker = new PreparedStatementTracker(0)
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 10; i++) tracker.nameFor(`SELECT ${i}`)
    expect(tracker.preparedCount).toBe(MAX_PREPARED_PER_CONNECTION)
    expect(tracker.nameFor('SELECT 99999')).toBeUndefined()
  })

  it('gives different shapes different names', () => {
    const tracker = new PreparedStatementTracker(0)
    expect(tracker.nameFor('SELECT 1')).not.toBe(tracker.nameFor('SELECT 2'))
  })
})
