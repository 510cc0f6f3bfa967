/**
 * Which `CHECK (col IS NOT NULL)` constraints exist, and which are validated, at a point of the
 * migration history. The project state knows the constraints of dorm operations but not whether
 * one was added NOT VALID, nor anything RunSQL did; so this walks the history in replay order
 * (earlier migrations of every app, then the operations before this one, then the statements
 * before this one in the same RunSQL) and follows ADD CONSTRAINT / VALIDATE CONSTRAINT / DROP
 * CONSTRAINT, in SQL and in dorm operations alike.
 */
import type { Migration } from '../../migration.js'
import type { ProjectState } from '../../migration-state.js'
import type { OperationContext } from '../lint-rule.js'
import { identifierPattern, tableOf } from './sql-helpers.js'

/** One NOT NULL check as the history left it. */
interface NotNullCheck {
  readonly column: string
  validated: boolean
}

/** Checks by `table.constraint`. */
type CheckBook = Map<string, NotNullCheck>

const IDENT = String.raw`(?:"[^"]+"|[\w$]+)`
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`
const ALTER_TABLE = new RegExp(String.raw`^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(${QUALIFIED})`, 'i')
/** The ALTER TABLE sub-commands that matter, in the order they appear. */
const SUBCOMMAND = new RegExp(
  String.raw`\badd\s+constraint\s+(${IDENT})\s+check\s*\(\s*\(?\s*(${IDENT})\s+is\s+not\s+null\s*\)?\s*\)(\s*no\s+inherit)?(\s*not\s+valid)?` +
    String.raw`|\bvalidate\s+constraint\s+(${IDENT})` +
    String.raw`|\bdrop\s+constraint\s+(?:if\s+exists\s+)?(${IDENT})`,
  'gi',
)
const NOT_NULL_EXPRESSION = new RegExp(String.raw`^\s*\(?\s*(${IDENT})\s+is\s+not\s+null\s*\)?\s*$`, 'i')

/** `public."Order"` -> `Order`, `Shop_Order` -> `shop_order`: how PostgreSQL folds identifiers. */
function identifier(text: string): string {
  const last = text.split('.').at(-1)?.trim() ?? text
  return last.startsWith('"') ? last.slice(1, -1) : last.toLowerCase()
}

/** The statements of a SQL string, split at semicolons outside quotes and comments. */
function roughStatements(sql: string): string[] {
  const out: string[] = []
  let current = ''
  const tokens = sql.match(/'(?:[^']|'')*'|"[^"]*"|--[^\n]*|\/\*[\s\S]*?\*\/|;|[^'";\-/]+|[\s\S]/g) ?? []
  for (const token of tokens) {
    if (token === ';') {
      out.push(current)
      current = ''
    } else if (!token.startsWith('--') && !token.startsWith('/*')) current += token
  }
  out.push(current)
  return out.filter((s) => s.trim() !== '')
}

function applySql(book: CheckBook, sql: string): void {
  for (const statement of roughStatements(sql)) {
    const alter = ALTER_TABLE.exec(statement)
    if (alter === null) continue
    const table = identifier(alter[1] as string)
    for (const match of statement.slice(alter[0].length).matchAll(SUBCOMMAND)) {
      if (match[1] !== undefined) {
        book.set(`${table}.${identifier(match[1])}`, {
          column: identifier(match[2] as string),
          validated: match[4] === undefined,
        })
      } else if (match[5] !== undefined) {
        const check = book.get(`${table}.${identifier(match[5])}`)
        if (check !== undefined) check.validated = true
      } else if (match[6] !== undefined) {
        book.delete(`${table}.${identifier(match[6])}`)
      }
    }
  }
}

interface OperationLike {
  readonly kind: string
  readonly modelName?: string
  readonly name?: string
  readonly notValid?: boolean
  readonly constraint?: { readonly kind: string; readonly name: string; readonly check?: string }
  readonly sql?: readonly string[]
}

/** Follows one operation; `state` is the latest known state, to name the operation's table. */
function applyOperation(book: CheckBook, app: string, op: OperationLike, state: ProjectState): void {
  if (op.kind === 'RunSQL') {
    for (const sql of op.sql ?? []) applySql(book, sql)
    return
  }
  const relevant = op.kind === 'AddConstraint' || op.kind === 'ValidateConstraint' || op.kind === 'RemoveConstraint'
  if (!relevant || op.modelName === undefined) return
  const table = tableOf(state, app, op.modelName)
  if (table === undefined) return
  if (op.kind === 'AddConstraint' && op.constraint?.kind === 'CheckConstraint') {
    const column = NOT_NULL_EXPRESSION.exec(op.constraint.check ?? '')?.[1]
    if (column !== undefined) {
      book.set(`${table}.${op.constraint.name}`, { column: identifier(column), validated: op.notValid !== true })
    }
  } else if (op.kind === 'ValidateConstraint' && op.name !== undefined) {
    const check = book.get(`${table}.${op.name}`)
    if (check !== undefined) check.validated = true
  } else if (op.kind === 'RemoveConstraint' && op.name !== undefined) {
    book.delete(`${table}.${op.name}`)
  }
}

/** The book of each history array (the linter grows one array as it replays), kept up to date incrementally. */
const historyBooks = new WeakMap<readonly Migration[], { applied: number; book: CheckBook }>()

/**
 * A copy of the checks the earlier migrations left. The linter appends to one history array as it
 * replays, so the book follows it incrementally: a project with many SET NOT NULL stays linear.
 */
function historyBook(ctx: OperationContext): CheckBook {
  const migrations: readonly Migration[] = ctx.history ?? []
  let entry = historyBooks.get(migrations)
  if (entry === undefined || entry.applied > migrations.length) {
    entry = { applied: 0, book: new Map() }
    historyBooks.set(migrations, entry)
  }
  // later states would name renamed tables wrongly; the state before this operation is the best guess
  for (; entry.applied < migrations.length; entry.applied++) {
    const migration = migrations[entry.applied] as Migration
    for (const op of migration.operations) applyOperation(entry.book, migration.app, op as OperationLike, ctx.before)
  }
  return new Map([...entry.book].map(([key, check]) => [key, { ...check }]))
}

/**
 * Whether a validated `CHECK (column IS NOT NULL)` on `table` exists at this point: one declared
 * with the model (CreateModel `constraints`), added by AddConstraint without `notValid` or by
 * RunSQL without NOT VALID, or validated since (ValidateConstraint, `VALIDATE CONSTRAINT`), and not
 * dropped since. `earlierStatements` are the statements before this one in the same RunSQL.
 *
 * @example
 * ```ts
 * if (ctx.target.postgresVersion >= 12 && hasValidatedNotNullCheck(ctx, 'shop_order', 'note')) return []
 * ```
 */
export function hasValidatedNotNullCheck(
  ctx: OperationContext,
  table: string,
  column: string,
  earlierStatements: readonly string[] = [],
): boolean {
  const book = historyBook(ctx)
  for (const op of ctx.migration.operations.slice(0, ctx.index)) {
    applyOperation(book, ctx.migration.app, op as OperationLike, ctx.before)
  }
  for (const sql of earlierStatements) applySql(book, sql)
  for (const [key, check] of book) {
    if (key.startsWith(`${table}.`) && check.column === column && check.validated) return true
  }
  // a CHECK declared with the model (CreateModel) is validated when the table is created
  const model = [...ctx.before.models.values()].find((m) => tableOf(ctx.before, m.app, m.name) === table)
  const pattern = new RegExp(String.raw`^\s*\(?\s*${identifierPattern(column)}\s+is\s+not\s+null\s*\)?\s*$`, 'i')
  return (model?.options.constraints ?? []).some(
    (c) => c.kind === 'CheckConstraint' && pattern.test(c.check) && !book.has(`${table}.${c.name}`),
  )
}
