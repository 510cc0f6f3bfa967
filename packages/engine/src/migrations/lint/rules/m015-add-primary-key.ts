/**
 * DORM-M015: adding a primary key to an existing table builds its unique index under ACCESS
 * EXCLUSIVE and, for nullable key columns, first scans the table to set NOT NULL under that lock.
 */
import type { AddField, AlterField } from '../../operations/field-operations.js'
import type { LintRule, RuleHit } from '../lint-rule.js'
import {
  addedColumn,
  addedConstraint,
  alterTable,
  columnConstraints,
  existedBefore,
  onPostgres,
  stringList,
  tableExistedBefore,
  tableOf,
} from './sql-helpers.js'

const lock = (table: string): string =>
  `builds the primary-key index while holding ACCESS EXCLUSIVE on '${table}' (reads and writes wait for the ` +
  'whole build), after a full scan to set NOT NULL on key columns that allowed NULL'

const help = (table: string, columns: string): string =>
  `Make the key columns NOT NULL through a validated CHECK first (see DORM-M013), build the index with AddIndex` +
  `({ ..., index: new Index({ fields: [...], name: '${table}_pkey_idx', unique: true }), concurrently: true }) in a ` +
  `migration with atomic: false, then RunSQL('ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY USING ` +
  `INDEX ${table}_pkey_idx') for (${columns}): only a brief lock.`

/**
 * AddField / AlterField that makes a primary key on an existing table, or raw `ADD PRIMARY KEY`
 * without `USING INDEX`.
 *
 * @example
 * ```ts
 * await runRule(addPrimaryKey, { history, operations: [new AlterField({ modelName: 'log', name: 'uid', field: pk })] })
 * ```
 */
export const addPrimaryKey: LintRule = {
  code: 'DORM-M015',
  name: 'add-primary-key',
  severity: 'warning',
  summary: 'PRIMARY KEY added to an existing table: index build (and NOT NULL scan) under ACCESS EXCLUSIVE',
  checkOperation(ctx) {
    const kind = ctx.operation.kind
    if ((kind !== 'AddField' && kind !== 'AlterField') || !onPostgres(ctx)) return []
    const op = ctx.operation as AddField | AlterField
    if (!op.field.primaryKey || !op.field.concrete || !existedBefore(ctx, op.modelName)) return []
    const before = ctx.before.get(ctx.migration.app, op.modelName).fields.find(([n]) => n === op.name)?.[1]
    if (before?.primaryKey === true) return []
    const table = tableOf(ctx.before, ctx.migration.app, op.modelName) ?? op.modelName
    return [{ message: `${kind} makes '${op.name}' the primary key: it ${lock(table)}.`, help: help(table, op.name) }]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      const column = addedColumn(cmd)
      for (const c of [addedConstraint(cmd), ...columnConstraints(column)]) {
        if (c?.contype !== 'CONSTR_PRIMARY' || typeof c.indexname === 'string') continue
        const columns = column === undefined ? stringList(c.keys).join(', ') : String(column.colname)
        hits.push({ message: `ADD PRIMARY KEY (${columns}) ${lock(alter.table)}.`, help: help(alter.table, columns) })
      }
    }
    return hits
  },
}
