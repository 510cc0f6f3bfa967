/** DORM-M003: AddIndex without `concurrently: true` on PostgreSQL. */
import { modelKey } from '../../migration-state.js'
import type { AddIndex } from '../../operations/index-operations.js'
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'

function tableOf(ctx: OperationContext, modelName: string): string {
  try {
    return ctx.before.tableName(ctx.migration.app, modelName)
  } catch {
    return `the ${modelName} table`
  }
}

/**
 * DORM-M003. PostgreSQL only (SQLite has no concurrent build, and no concurrent writers to block);
 * silent when the model is created in the same migration (an empty table indexes instantly).
 *
 * @example
 * ```ts
 * // fires: new AddIndex({ modelName: 'order', index: new Index({ fields: ['status'], name: 'order_status_idx' }) })
 * ```
 */
export const addIndexWithoutConcurrently: LintRule = {
  code: 'DORM-M003',
  name: 'add-index-without-concurrently',
  severity: 'warning',
  summary: 'AddIndex without concurrently=True blocks writes to the table while the index builds',
  checkOperation(ctx: OperationContext): readonly RuleHit[] {
    if (ctx.operation.kind !== 'AddIndex') return []
    const op = ctx.operation as AddIndex
    if (op.concurrently || ctx.target.vendor !== 'postgresql') return []
    if (ctx.createdHere.has(modelKey(ctx.migration.app, op.modelName))) return []
    const table = tableOf(ctx, op.modelName)
    return [
      {
        message:
          `AddIndex without concurrently=True locks ${table} on PostgreSQL while the index builds: CREATE INDEX ` +
          'takes a SHARE lock, so every INSERT, UPDATE and DELETE waits until the whole table is indexed.',
        help:
          'Pass concurrently: true and make the migration atomic: false (CREATE INDEX CONCURRENTLY cannot run inside ' +
          'a transaction), ideally as the only operation of its migration; or accept the lock for a small table.',
      },
    ]
  },
}
