/**
 * SQLite changes a table by rebuilding it (create, copy, DROP the old one, rename). With foreign
 * keys enforced, that DROP is an implicit DELETE of every row: it fails when other tables point at
 * the table ("FOREIGN KEY constraint failed"), and with ON DELETE CASCADE it would delete their rows.
 * SQLite's documented procedure turns enforcement off around the transaction (the pragma is a no-op
 * inside one) and runs `PRAGMA foreign_key_check` before committing, so a migration that really
 * breaks a reference still fails and rolls back.
 *
 * @example
 * ```ts
 * await withForeignKeysOffChecked(connection, () => atomic(body, { using: connection.alias }))
 * ```
 */
import type { DatabaseConnection } from '../db/connection.js'
import { IntegrityError } from '../errors.js'

/** Runs `transaction` (which must open and commit its own transaction) with SQLite's rebuild procedure. */
export async function withForeignKeysOffChecked<T>(
  connection: DatabaseConnection,
  transaction: (checkBeforeCommit: () => Promise<void>) => Promise<T>,
): Promise<T> {
  if (connection.vendor === 'postgresql') return transaction(async () => undefined)
  const before = await connection.execute('PRAGMA foreign_keys')
  const wasOn = Number(Object.values(before.rows[0] ?? {})[0] ?? 0) === 1
  if (!wasOn) return transaction(() => checkForeignKeys(connection))
  await connection.execute('PRAGMA foreign_keys = OFF')
  try {
    return await transaction(() => checkForeignKeys(connection))
  } finally {
    await connection.execute('PRAGMA foreign_keys = ON')
  }
}

/** Throws an IntegrityError naming the first broken references (`PRAGMA foreign_key_check`). */
async function checkForeignKeys(connection: DatabaseConnection): Promise<void> {
  const { rows } = await connection.execute('PRAGMA foreign_key_check')
  if (rows.length === 0) return
  const shown = rows
    .slice(0, 5)
    .map((r) => `${String(r.table)} row ${String(r.rowid)} -> ${String(r.parent)}`)
    .join('; ')
  throw new IntegrityError(
    `The migration leaves ${rows.length} row(s) pointing at rows that do not exist (${shown}). ` +
      'It was rolled back. Delete or fix those rows in an earlier data migration (RunPython), then migrate again.',
  )
}
