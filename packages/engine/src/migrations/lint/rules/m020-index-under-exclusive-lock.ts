/**
 * DORM-M020: an index built in the same transaction that already holds ACCESS EXCLUSIVE on its
 * table (after ADD COLUMN, an AlterField, a rename...). Locks last until commit, so reads are blocked
 * for the whole build, not only writes as a plain CREATE INDEX would block.
 */
import type { AddField, AlterField } from '../../operations/field-operations.js'
import type { AddIndex, RemoveIndex } from '../../operations/index-operations.js'
import type { AlterModelTable, RenameModel } from '../../operations/model-operations.js'
import type { Operation } from '../../operations/operation.js'
import type { LintRule, OperationContext, RuleHit, SqlStatement } from '../lint-rule.js'
import {
  addedConstraint,
  alterTable,
  earlierSql,
  existedBefore,
  inTransaction,
  onPostgres,
  relationName,
  statementsBefore,
  tableOf,
  tablesCreatedBefore,
  unwrap,
} from './sql-helpers.js'

/** The table whose ACCESS EXCLUSIVE lock a dorm operation takes, if any. */
function exclusiveTable(ctx: OperationContext, op: Operation): string | undefined {
  const app = ctx.migration.app
  switch (op.kind) {
    case 'AddField':
    case 'RemoveField':
    case 'AlterField':
    case 'RenameField':
    case 'AddConstraint':
    case 'RemoveConstraint':
      return tableOf(ctx.before, app, (op as unknown as { modelName: string }).modelName)
    case 'RemoveIndex':
      return (op as RemoveIndex).concurrently ? undefined : tableOf(ctx.before, app, (op as RemoveIndex).modelName)
    case 'RenameModel':
      return tableOf(ctx.before, app, (op as RenameModel).newName)
    case 'AlterModelTable':
      return tableOf(ctx.before, app, (op as AlterModelTable).name)
    default:
      return undefined
  }
}

// ALTER TABLE forms that take less than ACCESS EXCLUSIVE
const WEAKER = new Set([
  'AT_ValidateConstraint',
  'AT_SetStatistics',
  'AT_ClusterOn',
  'AT_SetOptions',
  'AT_ResetOptions',
])

function statementLocksExclusively(statement: SqlStatement, table: string): boolean {
  const alter = alterTable(statement)
  if (alter !== undefined) {
    if (alter.table !== table) return false
    return alter.cmds.some((c) => !WEAKER.has(c.subtype) && addedConstraint(c)?.contype !== 'CONSTR_FOREIGN')
  }
  const rename = unwrap(statement.node, 'RenameStmt')
  if (rename !== undefined) return relationName(rename.relation) === table
  // LOCK TABLE defaults to ACCESS EXCLUSIVE, mode 8 in the parse tree
  const lock = unwrap(statement.node, 'LockStmt')
  const locked = Array.isArray(lock?.relations) ? lock.relations.map((r) => relationName(unwrap(r, 'RangeVar'))) : []
  return lock?.mode === 8 && locked.includes(table)
}

/** Where an earlier step of this transaction took ACCESS EXCLUSIVE on `table`, or undefined. */
function earlierExclusiveLock(ctx: OperationContext, table: string, statements: SqlStatement[]): string | undefined {
  const op = ctx.migration.operations.slice(0, ctx.index).find((o) => exclusiveTable(ctx, o) === table)
  if (op !== undefined) return `${op.kind} (${op.describe()})`
  const sql = statements.find((s) => statementLocksExclusively(s, table))
  if (sql !== undefined) return `'${sql.sql.slice(0, 60)}'`
  const alterOf = new RegExp(`alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?(?:"?\\w+"?\\.)?"?${table}"?\\s`, 'i')
  const raw = earlierSql(ctx).find((s) =>
    s.split(';').some((part) => alterOf.test(part) && !/validate\s+constraint|foreign\s+key/i.test(part)),
  )
  return raw === undefined ? undefined : 'an earlier RunSQL ALTER TABLE'
}

const message = (index: string, table: string, by: string): string =>
  `Index ${index} is built on '${table}' in the same transaction as ${by}, which took ACCESS EXCLUSIVE on it: ` +
  'the lock is held until commit, so reads and writes wait for the whole index build.'

const help =
  'Build the index in a migration of its own with atomic: false and AddIndex({ ..., concurrently: true }). For a ' +
  'field, add it with dbIndex: false first (a ForeignKey is indexed unless dbIndex: false) and AddIndex it ' +
  'concurrently in the next migration.'

/** What an operation builds as an index on an existing table, and whether it also locks it exclusively itself. */
function indexBuilt(ctx: OperationContext): { model: string; index: string; self: boolean } | undefined {
  const op = ctx.operation
  if (op.kind === 'AddIndex') {
    const add = op as AddIndex
    return add.concurrently ? undefined : { model: add.modelName, index: `'${add.index.name}'`, self: false }
  }
  if (op.kind === 'AddField' || op.kind === 'AlterField') {
    const { modelName, name, field } = op as AddField | AlterField
    const indexed = (field.options.dbIndex ?? field.isRelation) && !field.unique && field.concrete
    if (!indexed) return undefined
    if (op.kind === 'AlterField') {
      const before = ctx.before.get(ctx.migration.app, modelName).fields.find(([n]) => n === name)?.[1]
      if (before === undefined || ((before.options.dbIndex ?? before.isRelation) && !before.unique)) return undefined
    }
    // ADD COLUMN itself takes ACCESS EXCLUSIVE right before dorm creates the field's index
    return { model: modelName, index: `of field '${name}'`, self: op.kind === 'AddField' }
  }
  return undefined
}

/**
 * An index build (AddIndex, an indexed AddField / AlterField, raw CREATE INDEX) after an ACCESS
 * EXCLUSIVE change of the same table in the same transaction.
 *
 * @example
 * ```ts
 * await runRule(indexUnderExclusiveLock, { history, operations: [new AddField({ modelName: 'order', name: 'customer', field: fk })] })
 * ```
 */
export const indexUnderExclusiveLock: LintRule = {
  code: 'DORM-M020',
  name: 'index-under-exclusive-lock',
  severity: 'warning',
  summary:
    'Index built in the same transaction as an ACCESS EXCLUSIVE change of its table: reads blocked for the build',
  checkOperation(ctx) {
    if (!onPostgres(ctx) || !ctx.migration.atomic) return []
    const built = indexBuilt(ctx)
    if (built === undefined || !existedBefore(ctx, built.model)) return []
    const table = tableOf(ctx.before, ctx.migration.app, built.model)
    if (table === undefined) return []
    const by = built.self ? `its own ADD COLUMN` : earlierExclusiveLock(ctx, table, [])
    return by === undefined ? [] : [{ message: message(built.index, table, by), help }]
  },
  checkStatement(ctx, statement, all) {
    const index = unwrap(statement.node, 'IndexStmt')
    const table = relationName(index?.relation)
    if (index === undefined || index.concurrent === true || table === undefined) return []
    if (!inTransaction(ctx, statement) || tablesCreatedBefore(ctx, statement, all).has(table)) return []
    // earlier statements of this RunSQL share its transaction only when atomic or in the same string
    const statements = ctx.migration.atomic ? statementsBefore(statement, all) : []
    const by = ctx.migration.atomic ? earlierExclusiveLock(ctx, table, statements) : undefined
    const name = typeof index.idxname === 'string' ? `'${index.idxname}'` : '(unnamed)'
    const hit: RuleHit | undefined = by === undefined ? undefined : { message: message(name, table, by), help }
    return hit === undefined ? [] : [hit]
  },
}
