import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { budget, currentBudget } from '../../../src/db/budget.js'
import {
  BudgetExceeded,
  configure,
  DatabaseError,
  defineModel,
  getConnection,
  IntegerField,
  inTransaction,
  onDormEvent,
  ProgrammingError,
  type StampedDormEvent,
} from '../../../src/index.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { createTables, teardownOrm, truncate } from '../../support/orm.js'

const Ticket = defineModel('resilience.BudgetTicket', {
  fields: { n: new IntegerField() },
  meta: { dbTable: 'budget_tickets', ordering: ['n'] },
})

const SQLITE_LIKE = testBackends().filter((b) => b !== 'postgres')

describe.each(testBackends())('budget() on %s', (backend) => {
  let events: StampedDormEvent[] = []
  let unsubscribe: () => void = () => undefined

  beforeAll(async () => {
    const url = await createTestDatabase(backend, 'resilience_budget')
    // one pooled connection: every later statement reuses the one a budget ran on
    configure({ DATABASES: { default: backend === 'postgres' ? { URL: url, MAX_POOL_SIZE: 1 } : url } })
    await createTables([Ticket], 'default')
  })
  afterAll(teardownOrm)
  beforeEach(async () => {
    await truncate([Ticket])
    await Ticket.objects.bulkCreate(Array.from({ length: 20 }, (_, n) => ({ n })))
    events = []
    unsubscribe = onDormEvent((event) => events.push(event))
  })
  afterEach(() => unsubscribe())

  it('raises BudgetExceeded naming both counts when an ORM query returns more than maxRows', async () => {
    const error = await budget({ maxRows: 5 }, () => Ticket.objects.all().then((rows) => rows)).catch((e) => e)
    expect(error).toBeInstanceOf(BudgetExceeded)
    expect(error).toBeInstanceOf(DatabaseError)
    expect(error.message).toMatch(/^Query returned 20 rows, exceeds active budget max_rows=5\. /)
    expect(error.message).toContain('maxRows')
    expect(error).toMatchObject({ code: 'BUDGET_EXCEEDED', limit: 'max_rows', budget: 5, actual: 20, alias: 'default' })
    expect(events.filter((e) => e.type === 'budget_exceeded')).toMatchObject([
      { type: 'budget_exceeded', alias: 'default', limit: 'max_rows', budget: 5, actual: 20 },
    ])
  })

  it('checks raw execute too, and lets a statement at exactly maxRows through', async () => {
    const conn = getConnection()
    await expect(budget({ maxRows: 19 }, () => conn.execute('SELECT n FROM budget_tickets'))).rejects.toThrow(
      'Query returned 20 rows, exceeds active budget max_rows=19.',
    )
    const { rows } = await budget({ maxRows: 20 }, () => conn.execute('SELECT n FROM budget_tickets'))
    expect(rows).toHaveLength(20)
    expect(await budget({ maxRows: 1 }, () => Ticket.objects.count())).toBe(20)
  })

  it('stops a stream at the first row past maxRows', async () => {
    const seen: number[] = []
    const error = await budget({ maxRows: 5 }, async () => {
      for await (const ticket of Ticket.objects.iterator({ chunkSize: 2 })) seen.push(ticket.n)
    }).catch((e) => e)
    expect(error).toBeInstanceOf(BudgetExceeded)
    // the budget lets exactly maxRows rows through, then the stream fails where row 6 would be
    expect(seen).toEqual([0, 1, 2, 3, 4])

    const raw: unknown[] = []
    const rawError = await budget({ maxRows: 3 }, async () => {
      for await (const row of getConnection().executeStreaming('SELECT n FROM budget_tickets ORDER BY n')) {
        raw.push(row.n)
      }
    }).catch((e) => e)
    expect(rawError).toBeInstanceOf(BudgetExceeded)
    expect(rawError.message).toMatch(/^Query returned 4 rows, exceeds active budget max_rows=3\./)
    expect(raw).toEqual([0, 1, 2])
  })

  it('takes the minimum of each limit over nested blocks and forgets it outside', async () => {
    expect(currentBudget()).toBeUndefined()
    await budget({ maxRows: 5 }, async () => {
      await budget({ maxRows: 100, using: 'default' }, async () => {
        expect(currentBudget()).toEqual({ timeoutMs: undefined, maxRows: 5, using: 'default' })
        await expect(Ticket.objects.filter({ n__lt: 10 }).then((r) => r)).rejects.toThrow(BudgetExceeded)
      })
      const inner = await budget({ maxRows: 3 }, () => currentBudget())
      expect(inner?.maxRows).toBe(3)
      expect(currentBudget()?.maxRows).toBe(5)
    })
    expect(currentBudget()).toBeUndefined()
    expect(await Ticket.objects.all().then((r) => r.length)).toBe(20)
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5'])(
    'refuses %s as a limit before running',
    async (value) => {
      let ran = false
      const run = () =>
        budget({ maxRows: value as number }, () => {
          ran = true
        })
      await expect(run()).rejects.toThrow(ProgrammingError)
      await expect(run()).rejects.toThrow(/budget\(\) maxRows must be a positive integer, got .*Pass a whole number/)
      await expect(budget({ timeoutMs: value as number }, () => undefined)).rejects.toThrow(
        /timeoutMs must be a positive integer/,
      )
      expect(ran).toBe(false)
    },
  )

  it('returns the block result and accepts a block without limits', async () => {
    expect(await budget({}, () => 42)).toBe(42)
    expect(await budget({ maxRows: null, timeoutMs: null }, async () => currentBudget())).toEqual({
      timeoutMs: undefined,
      maxRows: undefined,
      using: 'default',
    })
  })
})

describe.each(SQLITE_LIKE)('budget({ timeoutMs }) on %s', (backend) => {
  beforeAll(async () => {
    const url = await createTestDatabase(backend, 'resilience_budget_timeout')
    configure({ DATABASES: { default: url } })
  })
  afterAll(teardownOrm)

  it('ignores the timeout (no transaction), logs it once at DEBUG, and still enforces maxRows', async () => {
    const logs = captureLogs({ 'dorm.db': 'DEBUG' })
    try {
      const inside = await budget({ timeoutMs: 1 }, () => inTransaction())
      await budget({ timeoutMs: 1 }, () => getConnection().execute('SELECT 1'))
      expect(inside).toBe(false)
      const notes = logs.records.filter((r) => r.message.includes('timeoutMs is ignored'))
      expect(notes).toHaveLength(1)
      expect(notes[0]?.level).toBe('DEBUG')
      await expect(
        budget({ timeoutMs: 1, maxRows: 1 }, () => getConnection().execute('SELECT 1 UNION ALL SELECT 2')),
      ).rejects.toThrow('Query returned 2 rows, exceeds active budget max_rows=1.')
    } finally {
      logs.stop()
    }
  })
})
