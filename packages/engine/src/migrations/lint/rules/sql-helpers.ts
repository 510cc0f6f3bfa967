/**
 * Helpers the rules share to read libpg-query parse trees and to tell whether the table an
 * operation or statement touches already existed before this migration (then locks and scans
 * matter) or was created earlier in it (then it is empty and nothing is risky).
 */
import { modelKey, type ProjectState } from '../../migration-state.js'
import type { OperationContext, SqlStatement } from '../lint-rule.js'

/** A libpg-query node: `{ KindName: { ...fields } }` or the fields of one. */
export type PgNode = Record<string, unknown>

/** One `ALTER TABLE` sub-command (`AT_DropColumn`, `AT_AddConstraint`, ...). */
export interface AlterTableCmd {
  readonly subtype: string
  /** The column or constraint the command names, when it names one. */
  readonly name?: string
  readonly def?: PgNode
}

/**
 * The fields of `node`'s `kind` wrapper, or undefined when the node is of another kind.
 *
 * @example
 * ```ts
 * unwrap({ DropStmt: { removeType: 'OBJECT_TABLE' } }, 'DropStmt') // { removeType: 'OBJECT_TABLE' }
 * ```
 */
export function unwrap(node: unknown, kind: string): PgNode | undefined {
  if (node === null || typeof node !== 'object') return undefined
  const inner = (node as PgNode)[kind]
  return inner !== null && typeof inner === 'object' ? (inner as PgNode) : undefined
}

/**
 * The `relname` of a RangeVar (`{ relname: 'shop_order', schemaname: 'public' }`).
 *
 * @example
 * ```ts
 * relationName({ relname: 'shop_order' }) // 'shop_order'
 * ```
 */
export function relationName(relation: unknown): string | undefined {
  const name = (relation as PgNode | undefined)?.relname
  return typeof name === 'string' ? name : undefined
}

/**
 * The `sval`s of a list of `String` nodes (qualified names, column lists).
 *
 * @example
 * ```ts
 * stringList([{ String: { sval: 'public' } }, { String: { sval: 'shop_order' } }]) // ['public', 'shop_order']
 * ```
 */
export function stringList(items: unknown): string[] {
  if (!Array.isArray(items)) return []
  return items.map((item) => unwrap(item, 'String')?.sval).filter((s): s is string => typeof s === 'string')
}

/**
 * The table and sub-commands of an `ALTER TABLE` statement (not ALTER INDEX / VIEW / SEQUENCE).
 *
 * @example
 * ```ts
 * alterTable(statement) // { table: 'shop_order', cmds: [{ subtype: 'AT_DropColumn', name: 'note' }] }
 * ```
 */
export function alterTable(statement: SqlStatement): { table: string; cmds: AlterTableCmd[] } | undefined {
  const stmt = unwrap(statement.node, 'AlterTableStmt')
  if (stmt === undefined || (stmt.objtype !== undefined && stmt.objtype !== 'OBJECT_TABLE')) return undefined
  const table = relationName(stmt.relation)
  if (table === undefined) return undefined
  const cmds = Array.isArray(stmt.cmds) ? stmt.cmds.map((c) => unwrap(c, 'AlterTableCmd')).filter((c) => !!c) : []
  return { table, cmds: cmds as unknown as AlterTableCmd[] }
}

/**
 * The constraint an `AT_AddConstraint` command adds, or undefined.
 *
 * @example
 * ```ts
 * addedConstraint(cmd)?.contype // 'CONSTR_FOREIGN'
 * ```
 */
export function addedConstraint(cmd: AlterTableCmd): PgNode | undefined {
  return cmd.subtype === 'AT_AddConstraint' ? unwrap(cmd.def, 'Constraint') : undefined
}

/**
 * The column definition of an `AT_AddColumn` command, or undefined.
 *
 * @example
 * ```ts
 * addedColumn(cmd)?.colname // 'score'
 * ```
 */
export function addedColumn(cmd: AlterTableCmd): PgNode | undefined {
  return cmd.subtype === 'AT_AddColumn' ? unwrap(cmd.def, 'ColumnDef') : undefined
}

/**
 * The inline constraints of a column definition (`NOT NULL`, `DEFAULT ...`, `REFERENCES ...`).
 *
 * @example
 * ```ts
 * columnConstraints(addedColumn(cmd)).map((c) => c.contype) // ['CONSTR_NOTNULL', 'CONSTR_DEFAULT']
 * ```
 */
export function columnConstraints(column: PgNode | undefined): PgNode[] {
  const list = column?.constraints
  if (!Array.isArray(list)) return []
  return list.map((c) => unwrap(c, 'Constraint')).filter((c): c is PgNode => c !== undefined)
}

/**
 * The last name of a qualified object name list, as `DROP TABLE a.b, c` gives them.
 *
 * @example
 * ```ts
 * droppedObjects(unwrap(statement.node, 'DropStmt')) // ['b', 'c']
 * ```
 */
export function droppedObjects(drop: PgNode): string[] {
  if (!Array.isArray(drop.objects)) return []
  return drop.objects
    .map((object) => stringList(unwrap(object, 'List')?.items).at(-1))
    .filter((s): s is string => s !== undefined)
}

/**
 * The lower-case name of the function a default or check expression calls, or undefined.
 *
 * @example
 * ```ts
 * functionName({ FuncCall: { funcname: [{ String: { sval: 'gen_random_uuid' } }] } }) // 'gen_random_uuid'
 * ```
 */
export function functionName(expression: unknown): string | undefined {
  const call = unwrap(expression, 'FuncCall')
  return call === undefined ? undefined : stringList(call.funcname).at(-1)?.toLowerCase()
}

/**
 * Whether the target database is PostgreSQL: lock rules say nothing about SQLite, which rebuilds.
 *
 * @example
 * ```ts
 * if (!onPostgres(ctx)) return []
 * ```
 */
export function onPostgres(ctx: OperationContext): boolean {
  return ctx.target.vendor === 'postgresql'
}

/**
 * Whether `modelName` of the migration's app existed before this migration (was not created in it).
 *
 * @example
 * ```ts
 * if (!existedBefore(ctx, op.modelName)) return []
 * ```
 */
export function existedBefore(ctx: OperationContext, modelName: string): boolean {
  return !ctx.createdHere.has(modelKey(ctx.migration.app, modelName))
}

/**
 * The table of a model in a state, or undefined when the state does not know the model.
 *
 * @example
 * ```ts
 * tableOf(ctx.before, 'shop', 'order') // 'shop_order'
 * ```
 */
export function tableOf(state: ProjectState, app: string, modelName: string): string | undefined {
  if (!state.has(app, modelName)) return undefined
  return state.tableName(app, modelName)
}

/**
 * The column of `fieldName` on a model in a state, or the field name when it cannot be rendered.
 *
 * @example
 * ```ts
 * columnOf(ctx.before, 'shop', 'order', 'customer') // 'customer_id'
 * ```
 */
export function columnOf(state: ProjectState, app: string, modelName: string, fieldName: string): string {
  try {
    return state.render(app, modelName).meta.getField(fieldName).column
  } catch {
    return fieldName
  }
}

const createTable =
  /\bcreate\s+(?:(?:global\s+|local\s+)?(?:temp|temporary|unlogged)\s+)?table\s+(?:if\s+not\s+exists\s+)?((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/gi

/** `public."Order"` -> `Order`, `Shop_Order` -> `shop_order`: how PostgreSQL folds identifiers. */
function lastIdentifier(qualified: string): string {
  const last = qualified.split('.').at(-1)?.trim() ?? qualified
  return last.startsWith('"') ? last.slice(1, -1) : last.toLowerCase()
}

/**
 * Tables created before `statement` in this migration: by earlier statements of the same RunSQL,
 * by earlier CreateModel operations, and by CREATE TABLE in earlier RunSQL operations.
 *
 * @example
 * ```ts
 * tablesCreatedBefore(ctx, statement, all).has('shop_order') // true after `CREATE TABLE shop_order (...)`
 * ```
 */
export function tablesCreatedBefore(
  ctx: OperationContext,
  statement: SqlStatement | undefined,
  all: readonly SqlStatement[],
): Set<string> {
  const tables = new Set<string>()
  for (const key of ctx.createdHere) {
    const model = ctx.before.models.get(key)
    const table = model === undefined ? undefined : tableOf(ctx.before, model.app, model.name)
    if (table !== undefined) tables.add(table)
  }
  // earlier RunSQL operations are not parsed for this one: their CREATE TABLEs are recognisable enough
  for (const sql of earlierSql(ctx)) {
    for (const match of sql.matchAll(createTable)) tables.add(lastIdentifier(match[1] as string))
  }
  for (const earlier of all) {
    if (statement === undefined || earlier.index >= statement.index) break
    const into = unwrap(earlier.node, 'CreateTableAsStmt')?.into as PgNode | undefined
    const created = unwrap(earlier.node, 'CreateStmt')?.relation ?? (unwrap(into, 'IntoClause') ?? into)?.rel
    const name = relationName(created)
    if (name !== undefined) tables.add(name)
  }
  return tables
}

/**
 * Whether `table` existed before this migration, as far as the statement can tell.
 *
 * @example
 * ```ts
 * if (!tableExistedBefore(ctx, statement, all, 'shop_order')) return []
 * ```
 */
export function tableExistedBefore(
  ctx: OperationContext,
  statement: SqlStatement,
  all: readonly SqlStatement[],
  table: string,
): boolean {
  return !tablesCreatedBefore(ctx, statement, all).has(table)
}

/**
 * The earlier statements of the same RunSQL, oldest first.
 *
 * @example
 * ```ts
 * statementsBefore(statement, all).some((s) => unwrap(s.node, 'VariableSetStmt') !== undefined)
 * ```
 */
export function statementsBefore(statement: SqlStatement, all: readonly SqlStatement[]): SqlStatement[] {
  return all.filter((s) => s.index < statement.index)
}

/**
 * The raw SQL strings of the RunSQL operations before `ctx.operation` in this migration.
 *
 * @example
 * ```ts
 * earlierSql(ctx).some((sql) => /NOT\s+VALID/i.test(sql))
 * ```
 */
export function earlierSql(ctx: OperationContext): string[] {
  return ctx.migration.operations
    .slice(0, ctx.index)
    .flatMap((op) => ((op as { kind: string }).kind === 'RunSQL' ? [...(op as unknown as { sql: string[] }).sql] : []))
}

/**
 * A SQL identifier as it may appear in text, for regexes over raw SQL: `name` or `"name"`.
 *
 * @example
 * ```ts
 * new RegExp(`VALIDATE\\s+CONSTRAINT\\s+${identifierPattern('ck')}`, 'i')
 * ```
 */
export function identifierPattern(name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `(?:"${escaped}"|${escaped}\\b)`
}

/**
 * Whether `statement` runs inside a transaction with the statements around it: every statement of
 * an atomic migration does, and so does one that shares its SQL string with others (PostgreSQL runs
 * a multi-statement string as one implicit transaction).
 *
 * @example
 * ```ts
 * if (!inTransaction(ctx, statement)) return []
 * ```
 */
export function inTransaction(ctx: OperationContext, statement: SqlStatement): boolean {
  if (ctx.migration.atomic) return true
  const sqls = (ctx.operation as unknown as { sql?: readonly string[] }).sql ?? []
  const own = sqls.find((sql) => sql.includes(statement.sql))
  if (own === undefined) return false
  const rest = own.replace(statement.sql, '').replace(/--[^\n]*|\/\*[\s\S]*?\*\/|;|\s/g, '')
  return rest !== ''
}

/**
 * Every FuncCall name inside an expression tree, lower case (`now`, `gen_random_uuid`).
 *
 * @example
 * ```ts
 * functionsIn({ TypeCast: { arg: { FuncCall: { funcname: [{ String: { sval: 'random' } }] } } } }) // ['random']
 * ```
 */
export function functionsIn(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return []
  if (Array.isArray(node)) return node.flatMap(functionsIn)
  const own = functionName(node)
  return [...(own === undefined ? [] : [own]), ...Object.values(node as PgNode).flatMap(functionsIn)]
}
