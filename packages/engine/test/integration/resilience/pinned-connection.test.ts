import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { currentPinStats, pinnedConnection } from '../../../src/contrib/task-pool/index.js'
import {
  atomic,
  configure,
  defineModel,
  getConnection,
  IntegerField,
  inTransaction,
  ProgrammingError,
} from '../../../src/index.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { createTables, teardownOrm, truncate } from '../../support/orm.js'

const Note = defineModel('resilience.PinnedNote', {
  fields: { n: new IntegerField() },
  meta: { dbTable: 'pinned_notes', ordering: ['n'] },
})

const describePg = testBackends().includes('postgres') ? describe : describe.skip
const SQLITE_LIKE = testBackends().filter((b) => b !== 'postgres')

async function backendPid(): Promise<number> {
  const { rows } = await getConnection().execute<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return rows[0]?.pid as number
}

describePg('pinnedConnection() on PostgreSQL', () => {
  let url = ''
  beforeAll(async () => {
    url = await createTestDatabase('postgres', 'resilience_pinned')
    configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 3 } } })
    await createTables([Note], 'default')
  })
  afterAll(teardownOrm)
  beforeEach(() => truncate([Note]))

  it('runs every raw and ORM statement of the block on one connection and releases it after', async () => {
    const conn = getConnection()
    const result = await pinnedConnection(async () => {
      const pids = [await backendPid()]
      // a session-level setting survives only if the next statements run on the same session
      await conn.execute("SET application_name = 'pinned-block'")
      await Note.objects.create({ n: 1 })
      await Note.objects.bulkCreate([{ n: 2 }, { n: 3 }])
      const notes = await Note.objects.filter({ n__gte: 2 })
      pids.push(await backendPid())
      const { rows } = await conn.execute<{ name: string }>("SELECT current_setting('application_name') AS name")
      pids.push(await backendPid())
      expect(conn.poolStats().in_use).toBe(1)
      return { pids, notes: notes.map((x) => x.n), name: rows[0]?.name, stats: currentPinStats() }
    })
    expect(new Set(result.pids).size).toBe(1)
    expect(result.notes).toEqual([2, 3])
    expect(result.name).toBe('pinned-block')
    expect(result.stats).toMatchObject({ alias: 'default', queries: 8 })
    expect(result.stats?.wait_ms).toBeGreaterThanOrEqual(0)
    expect(result.stats?.hold_ms).toBeGreaterThan(0)
    expect(conn.poolStats().in_use).toBe(0)
    expect(currentPinStats()).toBeUndefined()
    await conn.execute("SET application_name = ''")
  })

  it('runs statements started concurrently one after the other on the pinned connection', async () => {
    const pids = await pinnedConnection(() =>
      Promise.all(
        Array.from({ length: 6 }, async () => {
          const { rows } = await getConnection().execute<{ pid: number }>(
            'SELECT pg_backend_pid() AS pid, pg_sleep(0.01)',
          )
          return rows[0]?.pid
        }),
      ),
    )
    expect(pids).toHaveLength(6)
    expect(new Set(pids).size).toBe(1)
    expect(getConnection().poolStats().in_use).toBe(0)
  })

  it('opens an atomic() block on the pinned connection and keeps it pinned after', async () => {
    await pinnedConnection(async () => {
      const before = await backendPid()
      const inside = await atomic(async () => {
        await Note.objects.create({ n: 10 })
        return { pid: await backendPid(), inTransaction: inTransaction() }
      })
      await expect(
        atomic(async () => {
          await Note.objects.create({ n: 11 })
          throw new Error('roll back')
        }),
      ).rejects.toThrow('roll back')
      expect(inside).toEqual({ pid: before, inTransaction: true })
      expect(inTransaction()).toBe(false)
      expect(await backendPid()).toBe(before)
      expect(getConnection().poolStats().in_use).toBe(1)
    })
    expect((await Note.objects.all()).map((x) => x.n)).toEqual([10])
    expect(getConnection().poolStats().in_use).toBe(0)
  })

  it('lets an atomic() block that is already active take precedence', async () => {
    await atomic(async () => {
      const pid = await backendPid()
      const inner = await pinnedConnection(async () => ({
        pid: await backendPid(),
        inTransaction: inTransaction(),
        stats: currentPinStats(),
      }))
      expect(inner).toEqual({ pid, inTransaction: true, stats: undefined })
      expect(getConnection().poolStats().in_use).toBe(1)
    })
  })

  it('reuses the connection of an enclosing block, and gives each sibling context its own', async () => {
    const [a, b] = await Promise.all([
      pinnedConnection(async () => {
        const outer = await backendPid()
        const nested = await pinnedConnection(backendPid)
        await getConnection().execute('SELECT pg_sleep(0.05)')
        return [outer, nested]
      }),
      pinnedConnection(async () => {
        const pid = await backendPid()
        await getConnection().execute('SELECT pg_sleep(0.05)')
        return [pid, await backendPid()]
      }),
    ])
    expect(a?.[0]).toBe(a?.[1])
    expect(b?.[0]).toBe(b?.[1])
    expect(a?.[0]).not.toBe(b?.[0])
  })

  it('releases the connection when the block throws', async () => {
    await expect(
      pinnedConnection(async () => {
        await backendPid()
        throw new Error('handler failed')
      }),
    ).rejects.toThrow('handler failed')
    expect(getConnection().poolStats().in_use).toBe(0)
    expect(await backendPid()).toBeGreaterThan(0)
  })

  it('records the time spent waiting for the pool', async () => {
    configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 1 } } })
    try {
      let release: () => void = () => undefined
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      const first = pinnedConnection(async () => {
        await backendPid()
        await held
      })
      const second = pinnedConnection(() => currentPinStats())
      await new Promise((resolve) => setTimeout(resolve, 60))
      release()
      await first
      const stats = await second
      // it waited at least as long as the first block held the only connection
      expect(stats?.wait_ms).toBeGreaterThanOrEqual(50)
      expect(stats?.queries).toBe(0)
    } finally {
      configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 3 } } })
    }
  })

  it('streams on a connection of its own inside a pinned block', async () => {
    await Note.objects.bulkCreate([{ n: 1 }, { n: 2 }, { n: 3 }])
    const seen = await pinnedConnection(async () => {
      const pinned = await backendPid()
      const streamed: Array<{ n: number; pid: number }> = []
      for await (const note of Note.objects.iterator({ chunkSize: 1 })) {
        // a statement inside the loop runs on the pinned connection while the cursor holds another
        streamed.push({ n: note.n, pid: await backendPid() })
      }
      return { pinned, streamed }
    })
    expect(seen.streamed.map((s) => s.n)).toEqual([1, 2, 3])
    expect(seen.streamed.every((s) => s.pid === seen.pinned)).toBe(true)
    expect(getConnection().poolStats().in_use).toBe(0)
  })

  it('refuses a call without a block', async () => {
    await expect(pinnedConnection(undefined as never)).rejects.toThrow(ProgrammingError)
  })
})

describe.each(SQLITE_LIKE)('pinnedConnection() on %s', (backend) => {
  beforeAll(async () => {
    configure({ DATABASES: { default: await createTestDatabase(backend, 'resilience_pinned') } })
  })
  afterAll(teardownOrm)

  it('runs the block unchanged: nothing pinned, no stats', async () => {
    const result = await pinnedConnection(async () => {
      const { rows } = await getConnection().execute('SELECT 1 AS one')
      return { rows, stats: currentPinStats(), inTransaction: inTransaction() }
    })
    expect(result).toEqual({ rows: [{ one: 1 }], stats: undefined, inTransaction: false })
  })
})
