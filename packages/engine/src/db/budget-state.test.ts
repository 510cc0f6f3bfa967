import { afterEach, describe, expect, it } from 'vitest'
import { BudgetExceeded } from '../errors.js'
import { currentBudget, enforceRowBudget, nestedFrame, runInFrame } from './budget-state.js'
import { onDormEvent, resetDormEventListeners, type StampedDormEvent } from './events.js'

describe('the budget stack', () => {
  afterEach(() => resetDormEventListeners())

  it('reduces each limit to the minimum over the enclosing frames', () => {
    const outer = nestedFrame({ timeoutMs: 500, using: 'default' })
    const seen = runInFrame(outer, () => {
      const inner = nestedFrame({ timeoutMs: 900, maxRows: 10, using: 'replica' })
      return runInFrame(inner, () => currentBudget())
    })
    expect(seen).toEqual({ timeoutMs: 500, maxRows: 10, using: 'replica' })
    expect(currentBudget()).toBeUndefined()
  })

  it('enforces maxRows only inside a frame that sets it, and emits the event', () => {
    const events: StampedDormEvent[] = []
    onDormEvent((e) => events.push(e))
    expect(() => enforceRowBudget('default', 'SELECT 1', 1_000_000)).not.toThrow()
    runInFrame(nestedFrame({ timeoutMs: 5, using: 'default' }), () => {
      expect(() => enforceRowBudget('default', 'SELECT 1', 1_000_000)).not.toThrow()
    })
    runInFrame(nestedFrame({ maxRows: 3, using: 'default' }), () => {
      expect(() => enforceRowBudget('default', 'SELECT 1', 3)).not.toThrow()
      const error = (() => {
        try {
          enforceRowBudget('db2', 'SELECT n FROM t', 4)
        } catch (err) {
          return err
        }
      })()
      expect(error).toBeInstanceOf(BudgetExceeded)
      expect(error).toMatchObject({ alias: 'db2', sql: 'SELECT n FROM t', limit: 'max_rows', budget: 3, actual: 4 })
    })
    expect(events).toMatchObject([{ type: 'budget_exceeded', alias: 'db2', limit: 'max_rows', budget: 3, actual: 4 }])
  })
})
