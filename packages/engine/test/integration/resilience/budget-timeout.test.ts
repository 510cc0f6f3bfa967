import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { budget, currentBudget } from '../../../src/db/budget.js'
import {
  atomic,
  configure,
  DatabaseError,
  getConnection,
  inTransaction,
  OperationalError,
  onDormEvent,
  type PreQueryPayload,
  preQuery,
  type StampedDormEvent,
} from '../../../src/index.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { teardownOrm } from '../../support/orm.js'

const describePg = testBackends().includes('postgres') ? describe : describe.skip

async function timeoutSetting(): Promise<string> {
  const { rows } = await getConnection().execute<{ statement_timeout: string }>('SHOW statement_timeout')
  return rows[0]?.statement_timeout ?? ''
}

describePg('budget({ timeoutMs }) on PostgreSQL', () => {
  let events: StampedDormEvent[] = []
  let unsubscribe: () => void = () => undefined

  beforeAll(async () => {
    const url = await createTestDatabase('postgres', 'resilience_budget_pg')
    // one pooled connection: a transaction or a timeout left behind would show on the next statement
    configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 1 } } })
  })
  afterAll(teardownOrm)
  beforeEach(() => {
    events = []
    unsubscribe = onDormEvent((event) => events.push(event))
  })
  afterEach(() => unsubscribe())

  it('cancels a statement past the budget and leaves the pool healthy', async () => {
    const conn = getConnection()
    const error = await budget({ timeoutMs: 50 }, () => conn.execute('SELECT pg_sleep(1)')).catch((e) => e)
    expect(error).toBeInstanceOf(DatabaseError)
    expect(error).toBeInstanceOf(OperationalError)
    expect(error.vendorCode).toBe('57014')
    expect(error.message).toContain('canceling statement due to statement timeout')
    expect(error.message).toContain("active budget timeout_ms=50 on alias 'default'")
    expect(events.filter((e) => e.type === 'budget_exceeded')).toMatchObject([
      { type: 'budget_exceeded', alias: 'default', limit: 'timeout_ms', budget: 50 },
    ])

    expect(conn.poolStats()).toMatchObject({ in_use: 0, size: 1 })
    // the same (only) connection: not in an aborted transaction, and the timeout did not outlive the block
    expect((await conn.execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    const { rows } = await conn.execute<{ state: string }>('SELECT pg_current_xact_id_if_assigned() IS NULL AS state')
    expect(rows[0]?.state).toBe(true)
    expect(await timeoutSetting()).toBe('0')
  })

  it('runs the block in a transaction whose first statement is SET LOCAL statement_timeout', async () => {
    const statements: string[] = []
    const record = ({ sql }: PreQueryPayload) => {
      statements.push(sql)
    }
    preQuery.connect(record)
    try {
      const seen = await budget({ timeoutMs: 250 }, async () => ({
        inTransaction: inTransaction(),
        setting: await timeoutSetting(),
        budget: currentBudget(),
      }))
      expect(seen).toEqual({
        inTransaction: true,
        setting: '250ms',
        budget: { timeoutMs: 250, maxRows: undefined, using: 'default' },
      })
    } finally {
      preQuery.disconnect(record)
    }
    expect(statements).toEqual(['BEGIN', 'SET LOCAL statement_timeout = 250', 'SHOW statement_timeout', 'COMMIT'])
  })

  it('nests: the inner block tightens the timeout and gives the outer value back when it ends', async () => {
    const seen: Record<string, string> = {}
    await budget({ timeoutMs: 2000 }, async () => {
      seen.outer = await timeoutSetting()
      await budget({ timeoutMs: 300 }, async () => {
        seen.inner = await timeoutSetting()
      })
      seen.afterInner = await timeoutSetting()
      await budget({ timeoutMs: 9000 }, async () => {
        // a looser inner budget keeps the tighter outer one
        seen.looser = await timeoutSetting()
        seen.looserBudget = String(currentBudget()?.timeoutMs)
      })
      seen.afterLooser = await timeoutSetting()
    })
    expect(seen).toEqual({
      outer: '2s',
      inner: '300ms',
      afterInner: '2s',
      looser: '2s',
      looserBudget: '2000',
      afterLooser: '2s',
    })
    expect(await timeoutSetting()).toBe('0')
  })

  it('an inner budget that times out rolls back to its savepoint and the outer block goes on', async () => {
    const conn = getConnection()
    const outcome = await budget({ timeoutMs: 5000 }, async () => {
      const inner = await budget({ timeoutMs: 40 }, () => conn.execute('SELECT pg_sleep(1)')).catch((e) => e)
      return { inner, after: await timeoutSetting(), stillIn: inTransaction() }
    })
    expect(outcome.inner).toBeInstanceOf(OperationalError)
    expect(outcome.inner.message).toContain('timeout_ms=40')
    expect(outcome.after).toBe('5s')
    expect(outcome.stillIn).toBe(true)
  })

  it('inside a user atomic() block, puts the session value back after the budget', async () => {
    const seen: string[] = []
    await atomic(async () => {
      await getConnection().execute("SET LOCAL statement_timeout = '7s'")
      await budget({ timeoutMs: 100 }, async () => {
        seen.push(await timeoutSetting())
      })
      seen.push(await timeoutSetting())
    })
    expect(seen).toEqual(['100ms', '7s'])
  })

  it('leaves statement timeouts outside any budget untouched by the event and the message', async () => {
    const error = await atomic(async () => {
      await getConnection().execute('SET LOCAL statement_timeout = 30')
      return getConnection().execute('SELECT pg_sleep(1)')
    }).catch((e) => e)
    expect(error).toBeInstanceOf(OperationalError)
    expect(error.message).not.toContain('budget')
    expect(events.filter((e) => e.type === 'budget_exceeded')).toEqual([])
  })
})
