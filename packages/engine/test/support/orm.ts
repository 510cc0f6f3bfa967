import { inject } from 'vitest'
import {
  closeAll,
  configure,
  createModelSql,
  dropModelStatements,
  getConnection,
  type ModelClassLike,
  resetSettings,
} from '../../src/index.js'
import { dialectFor } from '../../src/query/dialects.js'
import { createTestDatabase, type TestBackend } from './backends.js'

/** Placeholder of the n-th parameter for raw SQL in tests. */
export function placeholder(backend: TestBackend, n: number): string {
  return backend === 'postgres' ? `$${n}` : '?'
}

/**
 * Configures `default` on a fresh database of its own for `backend` and creates the tables of
 * `models` (in order). PostgreSQL gets its own database per test file, so files run in parallel.
 */
export async function setupOrmDatabase(
  backend: TestBackend,
  name: string,
  models: readonly ModelClassLike[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const url = await createTestDatabase(backend, name)
  configure({ DATABASES: { default: url }, ...extra })
  await createTables(models, 'default')
  return url
}

/** Creates the tables of `models` on `alias` (dropping them first). */
export async function createTables(models: readonly ModelClassLike[], alias: string): Promise<void> {
  const connection = getConnection(alias)
  const dialect = dialectFor(connection.vendor)
  for (const model of [...models].reverse()) {
    for (const sql of dropModelStatements(model, dialect)) await connection.execute(sql)
  }
  for (const model of models) for (const sql of createModelSql(model, dialect)) await connection.execute(sql)
}

/** Deletes every row of `models` (children first). */
export async function truncate(models: readonly ModelClassLike[], alias = 'default'): Promise<void> {
  const connection = getConnection(alias)
  const dialect = dialectFor(connection.vendor)
  for (const model of [...models].reverse())
    await connection.execute(`DELETE FROM ${dialect.quote(model.meta.dbTable)}`)
}

/** Closes pools and forgets settings. */
export async function teardownOrm(): Promise<void> {
  await closeAll()
  resetSettings()
}

void inject
