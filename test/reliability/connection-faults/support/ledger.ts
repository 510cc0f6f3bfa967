/**
 * The table the fault scenarios write to: one row per logical write, named by its idempotency key.
 * The key column is indexed but deliberately NOT unique: a write applied twice (an INSERT retried
 * after its commit was lost on the wire) shows up as two rows instead of being absorbed by a
 * constraint, so "none twice" is something the scenarios can actually observe.
 *
 * @example
 * ```ts
 * await createLedgerTable()
 * await LedgerEntry.objects.getOrCreate({ key: 'w1-7' }, { writer: 1, seq: 7 })
 * const { rows, keys } = await ledgerCounts()
 * ```
 */
import { CharField, defineModel, getConnection, IntegerField } from '@dorm/engine'

export const LedgerEntry = defineModel('faults.LedgerEntry', {
  fields: {
    key: new CharField({ maxLength: 64 }),
    writer: new IntegerField(),
    seq: new IntegerField(),
  },
  meta: { dbTable: 'faults_ledger' },
})

/** Creates `faults_ledger` on the `default` alias (a plain index on key, no UNIQUE on purpose). */
export async function createLedgerTable(): Promise<void> {
  const connection = getConnection('default')
  await connection.execute(
    'CREATE TABLE faults_ledger (id bigserial PRIMARY KEY, key varchar(64) NOT NULL, writer integer NOT NULL, seq integer NOT NULL)',
  )
  await connection.execute('CREATE INDEX faults_ledger_key ON faults_ledger (key)')
}

/** Rows, distinct keys, and the keys present, read on the `default` alias. */
export async function ledgerCounts(): Promise<{ rows: number; keys: number; present: Set<string> }> {
  const { rows } = await getConnection('default').execute<{ key: string; n: number }>(
    'SELECT key, count(*)::int AS n FROM faults_ledger GROUP BY key',
  )
  let total = 0
  for (const row of rows) total += row.n
  return { rows: total, keys: rows.length, present: new Set(rows.map((row) => row.key)) }
}
