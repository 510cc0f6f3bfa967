/**
 * The lock_timeout the executor sets for each migration on PostgreSQL: SET LOCAL in atomic
 * migrations, SET + RESET around non-atomic ones, and a clear MigrationLockNotAvailable when a
 * statement cannot get its table lock in time (another session holds it), with nothing recorded.
 */
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CharField, configure, getConnection, IntegerField } from '../../../src/index.js'
import {
  AddField,
  CreateModel,
  type Migration,
  MigrationExecutor,
  migration,
  RunCode,
} from '../../../src/migrations/index.js'
import { MigrationLockNotAvailable } from '../../../src/migrations/statement-lock-timeout.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { teardownOrm } from '../../support/orm.js'

function inline(name: string, operations: Migration['operations'], extra: Partial<Migration> = {}): Migration {
  return { ...migration({ operations }), app: 'inline', name, file: `<inline ${name}>`, ...extra }
}

const initial = inline('0001_initial', [
  new CreateModel({ name: 'Item', fields: { code: new CharField({ maxLength: 10 }) } }),
])

/** A RunCode that records the lock_timeout its statements run under. */
function probe(seen: string[]): RunCode {
  return new RunCode({
    code: async (ctx) => {
      const { rows } = await ctx.execute('SHOW lock_timeout')
      seen.push(String(rows[0]?.lock_timeout))
    },
    reverseCode: RunCode.noop,
  })
}

async function itemColumns(): Promise<string[]> {
  const { rows } = await getConnection().execute(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'inline_item' ORDER BY ordinal_position",
  )
  return rows.map((r) => String(r.name))
}

const postgres = testBackends().includes('postgres')

describe.runIf(postgres)('the lock_timeout of migrations on PostgreSQL', () => {
  let url: string

  beforeEach(async () => {
    url = await createTestDatabase('postgres', 'migrations_lock_timeout')
    configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 1 } } })
  })
  afterEach(teardownOrm)

  it('sets it with SET LOCAL in an atomic migration and SET + RESET around a non-atomic one', async () => {
    const seen: string[] = []
    const atomicOne = inline('0002_probe', [probe(seen)], { dependencies: [['inline', '0001_initial']] })
    const nonAtomic = inline('0003_probe', [probe(seen)], {
      dependencies: [['inline', '0002_probe']],
      atomic: false,
    })
    const executor = new MigrationExecutor(getConnection(), [initial, atomicOne, nonAtomic])
    await executor.run(await executor.plan(), { lockTimeoutMs: 1500 })
    expect(seen).toEqual(['1500ms', '1500ms'])
    // one pooled session ran everything: nothing of the setting outlives the migrations
    const after = await getConnection().execute('SHOW lock_timeout')
    expect(after.rows[0]?.lock_timeout).toBe('0')
  })

  it('follows MIGRATION_TABLE_LOCK_TIMEOUT_MS (default 10 s) and sets nothing when it is 0', async () => {
    const seen: string[] = []
    const probing = inline('0002_probe', [probe(seen)], { dependencies: [['inline', '0001_initial']] })
    const executor = new MigrationExecutor(getConnection(), [initial, probing])
    await executor.run(await executor.plan())
    for (const setting of [0, 2500]) {
      configure({ MIGRATION_TABLE_LOCK_TIMEOUT_MS: setting })
      await executor.run(await executor.plan('inline', '0001'))
      await executor.run(await executor.plan())
    }
    expect(seen).toEqual(['10s', '0', '2500ms'])
  })

  it('refuses a bad lockTimeoutMs with the fix', async () => {
    const executor = new MigrationExecutor(getConnection(), [initial])
    await expect(executor.run(await executor.plan(), { lockTimeoutMs: -5 })).rejects.toThrow(
      'lockTimeoutMs must be a whole number of milliseconds >= 0 (0 or null: no lock_timeout), got -5.',
    )
  })

  for (const atomic of [true, false]) {
    it(`gives up on a table another transaction holds, naming it (atomic: ${atomic})`, async () => {
      const base = new MigrationExecutor(getConnection(), [initial])
      await base.run(await base.plan())
      const holder = new pg.Client({ connectionString: url })
      await holder.connect()
      try {
        await holder.query('BEGIN')
        await holder.query('LOCK TABLE inline_item IN ACCESS SHARE MODE')
        const addScore = inline(
          '0002_score',
          [new AddField({ modelName: 'item', name: 'score', field: new IntegerField({ null: true }) })],
          { dependencies: [['inline', '0001_initial']], atomic },
        )
        const executor = new MigrationExecutor(getConnection(), [initial, addScore])
        const error = await executor.run(await executor.plan(), { lockTimeoutMs: 200 }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(MigrationLockNotAvailable)
        const locked = error as MigrationLockNotAvailable
        expect(locked.code).toBe('LOCK_NOT_AVAILABLE')
        expect(locked.migration).toBe('inline.0002_score')
        expect(locked.table).toBe('inline_item')
        expect(locked.message).toContain(
          'Migration inline.0002_score stopped: the statement `ALTER TABLE "inline_item" ADD COLUMN "score" integer` ' +
            'waited more than 200 ms for a lock (lock_timeout): another transaction holds a lock on inline_item; ' +
            'retry when it ends or raise --lock-timeout (setting MIGRATION_TABLE_LOCK_TIMEOUT_MS).',
        )
        expect(locked.message).toContain(
          atomic ? 'Nothing of inline.0002_score was applied or recorded.' : 'atomic: false',
        )
      } finally {
        await holder.query('ROLLBACK')
        await holder.end()
      }
      expect(await itemColumns()).toEqual(['id', 'code'])
      const applied = await new MigrationExecutor(getConnection(), [initial]).applied()
      expect([...applied]).toEqual(['inline.0001_initial'])
      const session = await getConnection().execute('SHOW lock_timeout')
      expect(session.rows[0]?.lock_timeout).toBe('0')
    })
  }
})
