/**
 * What SQL each contender sent, from pg_stat_statements: reset before a contender's verify call,
 * read after it. Transaction control and session setup are counted apart from the statements that
 * do the work.
 */
import type pg from 'pg'

export interface StatementStats {
  /** Statements that did the work (SELECT/INSERT/UPDATE/DELETE), by calls. */
  queries: number
  /** BEGIN/COMMIT/ROLLBACK/SAVEPOINT calls. */
  transaction_control: number
  templates: string[]
}

const CONTROL = /^(begin|commit|rollback|savepoint|release|start transaction)\b/i
const IGNORED =
  /pg_stat_statements|^(set|show|deallocate|discard|select 1$|select \$1$|pragma)\b|pg_backend_pid|pg_catalog|pg_type/i

/**
 * Enables the extension; false when the server was not started with it preloaded.
 *
 * @example
 * ```ts
 * const counting = await enableStatementStats(client)
 * ```
 */
export async function enableStatementStats(client: pg.Client): Promise<boolean> {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    await client.query('SELECT pg_stat_statements_reset()')
    return true
  } catch {
    return false
  }
}

/**
 * Clears the counters.
 *
 * @example
 * ```ts
 * await resetStatementStats(client)
 * ```
 */
export async function resetStatementStats(client: pg.Client): Promise<void> {
  await client.query('SELECT pg_stat_statements_reset()')
}

/**
 * The statements since the last reset, without the orchestrator's own.
 *
 * @example
 * ```ts
 * const { queries } = await readStatementStats(client)
 * ```
 */
export async function readStatementStats(client: pg.Client): Promise<StatementStats> {
  const { rows } = await client.query<{ query: string; calls: string }>(
    'SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())',
  )
  const stats: StatementStats = { queries: 0, transaction_control: 0, templates: [] }
  for (const row of rows) {
    const text = row.query.trim().replace(/\s+/g, ' ')
    if (IGNORED.test(text)) continue
    if (CONTROL.test(text)) {
      stats.transaction_control += Number(row.calls)
      continue
    }
    stats.queries += Number(row.calls)
    stats.templates.push(text.length > 240 ? `${text.slice(0, 237)}...` : text)
  }
  stats.templates.sort()
  return stats
}
