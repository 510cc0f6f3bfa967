/**
 * DORM-M022: `ALTER COLUMN ... TYPE` in raw SQL. Unless the change is binary-coercible (varchar to
 * text, a longer varchar, more numeric precision, cidr to inet), PostgreSQL rewrites the table and
 * rebuilds its indexes under ACCESS EXCLUSIVE. The AlterField form of this risk is DORM-M002's.
 */
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'
import { alterTable, type PgNode, stringList, tableExistedBefore, tableOf, unwrap } from './sql-helpers.js'

/** A column type reduced to a comparable shape: `varchar` + `[100]`. */
interface TypeShape {
  readonly name: string
  readonly mods: readonly number[]
}

const ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'double precision': 'float8',
  real: 'float4',
  boolean: 'bool',
  decimal: 'numeric',
  character: 'bpchar',
  char: 'bpchar',
}

/** `varchar(100)` / `numeric(10, 2)` / `timestamp with time zone`, as dorm's dbType writes them. */
function parseTypeText(text: string): TypeShape {
  const match = /^\s*([a-z ]+?)\s*(?:\(([^)]*)\))?\s*$/i.exec(text)
  const name = (match?.[1] ?? text).toLowerCase()
  const mods = (match?.[2] ?? '')
    .split(',')
    .map((m) => Number.parseInt(m, 10))
    .filter((n) => !Number.isNaN(n))
  return { name: ALIASES[name] ?? name, mods }
}

function parseTypeName(typeName: PgNode | undefined): TypeShape {
  const name = stringList(typeName?.names).at(-1)?.toLowerCase() ?? ''
  const mods = (Array.isArray(typeName?.typmods) ? typeName.typmods : [])
    .map((m) => (unwrap(m, 'A_Const')?.ival as { ival?: number } | undefined)?.ival)
    .filter((n): n is number => typeof n === 'number')
  return { name: ALIASES[name] ?? name, mods }
}

/** Whether PostgreSQL changes `from` to `to` without touching the rows. */
function binaryCoercible(from: TypeShape, to: TypeShape): boolean {
  const [fromLimit, fromScale] = from.mods
  const [toLimit, toScale] = to.mods
  if (from.name === to.name && from.mods.join() === to.mods.join()) return true
  if (from.name === 'varchar' && to.name === 'text') return true
  if (from.name === 'varchar' && to.name === 'varchar') return toLimit === undefined || (fromLimit ?? 0) <= toLimit
  if (from.name === 'text' && to.name === 'varchar') return toLimit === undefined
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (toLimit === undefined) return true
    return fromLimit !== undefined && fromLimit <= toLimit && (fromScale ?? 0) === (toScale ?? 0)
  }
  return from.name === 'cidr' && to.name === 'inet'
}

/** The current type of `column` of `table`, when a dorm model in the state owns the table. */
function currentType(ctx: OperationContext, table: string, column: string): TypeShape | undefined {
  for (const model of ctx.before.models.values()) {
    if (tableOf(ctx.before, model.app, model.name) !== table) continue
    try {
      const field = ctx.before.render(model.app, model.name).meta.concreteFields.find((f) => f.column === column)
      return field === undefined ? undefined : parseTypeText(field.dbType('postgresql'))
    } catch {
      return undefined
    }
  }
  return undefined
}

/** Whether a USING expression is just the column (possibly cast), which adds no work of its own. */
function trivialUsing(using: unknown, column: string): boolean {
  if (using === undefined) return true
  const inner = unwrap(using, 'TypeCast')?.arg ?? using
  return stringList(unwrap(inner, 'ColumnRef')?.fields).at(-1) === column
}

/**
 * Raw `ALTER TABLE ... ALTER COLUMN ... TYPE` on an existing table that is not a binary-coercible change.
 *
 * @example
 * ```ts
 * await runRule(columnTypeRewrite, { history, operations: [new RunSQL({ sql: 'ALTER TABLE x_order ALTER COLUMN total TYPE bigint' })] })
 * ```
 */
export const columnTypeRewrite: LintRule = {
  code: 'DORM-M022',
  name: 'column-type-rewrite',
  severity: 'warning',
  summary: 'ALTER COLUMN TYPE in RunSQL that rewrites the table under ACCESS EXCLUSIVE',
  checkStatement(ctx, statement, all) {
    if (ctx.target.vendor !== 'postgresql') return []
    const alter = alterTable(statement)
    if (alter === undefined || !tableExistedBefore(ctx, statement, all, alter.table)) return []
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_AlterColumnType' || cmd.name === undefined) continue
      const definition = unwrap(cmd.def, 'ColumnDef')
      const to = parseTypeName(definition?.typeName as PgNode | undefined)
      const from = currentType(ctx, alter.table, cmd.name)
      const simple = trivialUsing(definition?.raw_default, cmd.name)
      if (from !== undefined && simple && binaryCoercible(from, to)) continue
      const known =
        from === undefined
          ? 'dorm cannot tell the current type, so assume a rewrite unless the change is binary-coercible'
          : `${from.name} to ${to.name} is not binary-coercible`
      hits.push({
        message:
          `ALTER COLUMN ${cmd.name} TYPE ${to.name} rewrites all of '${alter.table}' and rebuilds its indexes under ` +
          `ACCESS EXCLUSIVE (reads and writes wait for the rewrite): ${simple ? known : 'USING computes every row'}.`,
        help:
          'Expand/contract instead: AddField a new field of the new type (nullable), write both from code, backfill ' +
          'it in batches with RunSQL/RunCode, switch reads, then RemoveField the old one. Safe in place: varchar to ' +
          'text, a longer varchar, more numeric precision, cidr to inet.',
      })
    }
    return hits
  },
}
