/**
 * Compiles a {@link QueryState} into SQL and parameters for one dialect. The same traversal runs
 * in two modes: building SQL and params, or collecting params only. The compile cache stores the
 * SQL of a query shape and, on a hit, only the cheap params-only pass runs; because both passes
 * are one code path, the params always line up with the cached placeholders.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { FieldError } from '../errors.js'
import { describeValue } from '../models/fields/describe-value.js'
import type { AnyField } from '../models/fields/field.js'
import { rejectNul } from '../models/fields/text-nul.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { Aggregate } from './aggregates.js'
import type { Dialect } from './dialect.js'
import { CombinedExpression, Expression, FieldRef, Value } from './expressions.js'
import { type JoinStep, LOOKUPS, type ResolvedPath, resolvePath, TRANSFORMS } from './path-resolver.js'
import type { QueryState, WhereNode } from './query-state.js'

/** A compiled statement. */
export interface CompiledQuery {
  sql: string
  params: unknown[]
}

/** One selected column and where its value goes on the result. */
export interface SelectedColumn {
  /** Key in the raw row (the SQL alias). */
  readonly alias: string
  /** Field it hydrates, or undefined for annotations. */
  readonly field: AnyField | undefined
  /** selectRelated path that owns it ('' for the base model). */
  readonly relation: string
  /** How an annotation's raw value becomes a JS value (e.g. PostgreSQL's bigint SUM string -> number). */
  readonly convert?: ((value: unknown, vendor: Vendor) => unknown) | undefined
}

interface PkCarrier {
  readonly pk: unknown
  readonly constructor: { readonly meta?: unknown }
}

/** Accepts a model instance where a key is expected (`filter({ author: ann })`). */
export function keyOf(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'pk' in value && (value as PkCarrier).constructor?.meta) {
    return (value as PkCarrier).pk
  }
  return value
}

/** Compilation state for one statement. */
export class CompileContext {
  readonly dialect: Dialect
  readonly vendor: Vendor
  /** Bound values in placeholder order (shared with an enclosing statement's context when given). */
  readonly params: unknown[]
  readonly paramsOnly: boolean
  readonly baseModel: ModelClassLike
  readonly baseAlias: string
  // most statements join nothing: the map is made on the first join
  #joins: Map<string, { step: JoinStep; alias: string; parentAlias: string }> | undefined
  #joinCount = 0

  constructor(dialect: Dialect, model: ModelClassLike, paramsOnly: boolean, params: unknown[] = []) {
    this.params = params
    this.dialect = dialect
    this.vendor = dialect.vendor
    this.paramsOnly = paramsOnly
    this.baseModel = model
    this.baseAlias = dialect.quote(model.meta.dbTable)
  }

  /** Binds a value and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value)
    return this.paramsOnly ? '' : this.dialect.placeholder(this.params.length)
  }

  quote(identifier: string): string {
    return this.dialect.quote(identifier)
  }

  /** The qualified column of a resolved path, adding its joins. */
  columnOf(resolved: ResolvedPath): string {
    const alias = this.aliasFor(resolved.joins)
    return this.paramsOnly ? '' : `${alias}.${this.quote(resolved.column)}`
  }

  /** The alias of the table at the end of `joins` (the base table when empty). */
  aliasFor(joins: readonly JoinStep[]): string {
    let parentAlias = this.baseAlias
    if (joins.length === 0) return parentAlias
    this.#joins ??= new Map()
    for (const step of joins) {
      let join = this.#joins.get(step.key)
      if (join === undefined) {
        join = { step, alias: this.quote(`T${++this.#joinCount}`), parentAlias }
        this.#joins.set(step.key, join)
      }
      parentAlias = join.alias
    }
    return parentAlias
  }

  /** The FROM clause with every join added so far. */
  fromClause(): string {
    let sql = ` FROM ${this.baseAlias}`
    if (this.#joins === undefined) return sql
    for (const { step, alias, parentAlias } of this.#joins.values()) {
      sql +=
        `${step.nullable ? ' LEFT OUTER JOIN ' : ' INNER JOIN '}${this.quote(step.table)} AS ${alias}` +
        ` ON ${alias}.${this.quote(step.rightColumn)} = ${parentAlias}.${this.quote(step.leftColumn)}`
    }
    return sql
  }

  get hasJoins(): boolean {
    return this.#joins !== undefined && this.#joins.size > 0
  }
}

/** Converts a lookup value for the compared field. */
function prepareValue(ctx: CompileContext, resolved: ResolvedPath, value: unknown): unknown {
  return prepareLookupValue(resolved, value, ctx.vendor)
}

/**
 * A lookup value as the driver gets it: cleaned by the compared field (the related model's pk
 * across a relation) and converted for `vendor`. A value the field refuses is a FieldError naming it.
 *
 * @example
 * ```ts
 * prepareLookupValue(resolvePath(Book, 'pk'), '42', 'postgresql') // 42
 * ```
 */
export function prepareLookupValue(resolved: ResolvedPath, value: unknown, vendor: Vendor): unknown {
  if (value === null || value === undefined) return null
  const v = resolved.relationKey ? keyOf(value) : value
  const field = resolved.field
  const target = resolved.relationKey
    ? ((field as unknown as { relatedModel?: ModelClassLike }).relatedModel?.meta.pk ?? field)
    : field
  let cleaned: unknown
  try {
    cleaned = target.clean(v)
  } catch (err) {
    throw new FieldError(`Invalid value for ${field.describe()}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return target.toDb(cleaned, vendor)
}

/** Compiles an expression (F, Value, arithmetic, aggregate) and returns its SQL. */
export function compileExpression(ctx: CompileContext, expr: Expression): string {
  if (expr instanceof FieldRef) return ctx.columnOf(resolveReference(ctx.baseModel, expr.path))
  if (expr instanceof Value) return ctx.param(expr.value)
  if (expr instanceof CombinedExpression) {
    const left = compileExpression(ctx, expr.left)
    const right = compileExpression(ctx, expr.right)
    return ctx.paramsOnly ? '' : `(${left} ${expr.operator} ${right})`
  }
  if (expr instanceof Aggregate) {
    const inner = expr.path === '*' ? '*' : countableColumn(ctx, expr)
    if (ctx.paramsOnly) return ''
    const sql = `${expr.fn}(${expr.distinct ? 'DISTINCT ' : ''}${inner})`
    // PostgreSQL's COUNT is bigint (a string in pg) and AVG numeric: bring both back as numbers
    if (ctx.vendor === 'postgresql' && (expr.fn === 'COUNT' || expr.fn === 'AVG')) {
      return expr.fn === 'COUNT' ? `${sql}::integer` : `${sql}::double precision`
    }
    return sql
  }
  throw new FieldError(`Unsupported expression ${String(expr)}`)
}

/**
 * The SQL inside an aggregate's parentheses. COUNT of a NOT NULL column of the queried table itself
 * (`Count('id')`) counts every row, so it becomes COUNT(*), which PostgreSQL runs without reading the
 * column. Joined columns keep their name: a LEFT JOIN can make them NULL.
 */
function countableColumn(ctx: CompileContext, expr: Aggregate): string {
  const resolved = resolveReference(ctx.baseModel, expr.path)
  const everyRow =
    expr.fn === 'COUNT' &&
    !expr.distinct &&
    resolved.joins.length === 0 &&
    resolved.transform === undefined &&
    !resolved.field.nullable
  return everyRow ? '*' : ctx.columnOf(resolved)
}

/** A path used as a value reference (F, order, values): no lookup allowed. */
export function resolveReference(model: ModelClassLike, path: string): ResolvedPath {
  const resolved = resolvePath(model, path)
  if (resolved.lookup !== 'exact' || resolved.transform !== undefined) {
    throw new FieldError(`'${path}' names a lookup, not a field; F(), orderBy() and values() take field paths.`)
  }
  return resolved
}

function compileLookup(ctx: CompileContext, path: string, value: unknown): string {
  if (value === undefined) {
    // almost always a missing variable; matching NULL (or everything, in a delete) would be a surprise
    throw new FieldError(`filter value for '${path}' is undefined. Pass null to match NULL, or leave the key out.`)
  }
  const resolved = resolvePath(ctx.baseModel, path)
  let lhs = ctx.columnOf(resolved)
  const d = ctx.dialect
  if (resolved.transform !== undefined && !ctx.paramsOnly) {
    lhs = resolved.transform === 'date' ? d.dateOf(lhs) : d.extract(resolved.transform, lhs)
  }
  if (value instanceof Expression) {
    const rhs = compileExpression(ctx, value)
    const op = { exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[resolved.lookup as 'exact']
    if (op === undefined)
      throw new FieldError(`Lookup '${resolved.lookup}' in '${path}' does not take an F() expression.`)
    return ctx.paramsOnly ? '' : `${lhs} ${op} ${rhs}`
  }
  switch (resolved.lookup) {
    case 'exact': {
      if (value === null || value === undefined) return ctx.paramsOnly ? '' : `${lhs} IS NULL`
      return `${lhs} = ${ctx.param(scalarValue(ctx, resolved, value))}`
    }
    case 'gt':
      return `${lhs} > ${ctx.param(scalarValue(ctx, resolved, value))}`
    case 'gte':
      return `${lhs} >= ${ctx.param(scalarValue(ctx, resolved, value))}`
    case 'lt':
      return `${lhs} < ${ctx.param(scalarValue(ctx, resolved, value))}`
    case 'lte':
      return `${lhs} <= ${ctx.param(scalarValue(ctx, resolved, value))}`
    case 'isnull':
      if (typeof value !== 'boolean')
        throw new FieldError(`'${path}' takes true or false, got ${describeValue(value)}.`)
      return ctx.paramsOnly ? '' : `${lhs} IS ${value ? '' : 'NOT '}NULL`
    case 'in': {
      if (!Array.isArray(value) && !(value instanceof Set)) {
        throw new FieldError(`'${path}' takes an array, got ${typeof value}.`)
      }
      const items = [...value].map((item) => scalarValue(ctx, resolved, item))
      if (items.length === 0) return ctx.paramsOnly ? '' : '1 = 0'
      if (ctx.dialect.arrayParams) return `${lhs} = ANY(${ctx.param(items)})`
      const placeholders = items.map((item) => ctx.param(item))
      return ctx.paramsOnly ? '' : `${lhs} IN (${placeholders.join(', ')})`
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) {
        throw new FieldError(`'${path}' takes [low, high], got ${describeValue(value)}.`)
      }
      const low = ctx.param(scalarValue(ctx, resolved, value[0]))
      const high = ctx.param(scalarValue(ctx, resolved, value[1]))
      return ctx.paramsOnly ? '' : `${lhs} BETWEEN ${low} AND ${high}`
    }
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const pattern = ctx.param(d.likePattern(textValue(path, value), resolved.lookup))
      return ctx.paramsOnly ? '' : d.like(lhs, pattern)
    }
    case 'icontains':
    case 'istartswith':
    case 'iendswith': {
      const where = resolved.lookup.slice(1) as 'contains' | 'startswith' | 'endswith'
      const pattern = ctx.param(d.ilikePattern(textValue(path, value), where))
      return ctx.paramsOnly ? '' : d.ilike(lhs, pattern)
    }
    case 'iexact': {
      if (value === null) return ctx.paramsOnly ? '' : `${lhs} IS NULL`
      const rhs = ctx.param(d.ilikePattern(textValue(path, value), 'exact'))
      return ctx.paramsOnly ? '' : d.iexact(lhs, rhs)
    }
    case 'regex':
    case 'iregex': {
      const rhs = ctx.param(textValue(path, value))
      return ctx.paramsOnly ? '' : d.regex(lhs, rhs, resolved.lookup === 'iregex')
    }
  }
}

/** A lookup value converted for the compared expression (a date part is a number, a date a string). */
function scalarValue(ctx: CompileContext, resolved: ResolvedPath, value: unknown): unknown {
  if (resolved.transform === undefined) return prepareValue(ctx, resolved, value)
  if (resolved.transform === 'date') return dateString(resolved, value)
  // a date part: an integer (a numeric string too) the database's integer can hold, never NaN bound as a parameter
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > 2147483647) {
    throw new FieldError(
      `Invalid value for ${resolved.field.describe()}__${resolved.transform}: expected an integer within ±2147483647, got ${describeValue(value)}.`,
    )
  }
  return n
}

function textValue(path: string, value: unknown): string {
  if (typeof value !== 'string') throw new FieldError(`'${path}' takes a string, got ${describeValue(value)}.`)
  rejectNul(`'${path}'`, value)
  return value
}

function dateString(resolved: ResolvedPath, value: unknown): string {
  // a Date of the years 1 to 9999 (toISOString() of a later one starts '+275760-09-13')
  if (value instanceof Date && /^\d{4}-/.test(Number.isNaN(value.getTime()) ? '' : value.toISOString())) {
    return value.toISOString().slice(0, 10)
  }
  // a real calendar day as 'YYYY-MM-DD' (2021-02-30 is not one)
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00Z`)
    if (!Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value) return value
  }
  throw new FieldError(
    `Invalid value for ${resolved.field.describe()}__date: expected a 'YYYY-MM-DD' string or a Date, got ${describeValue(value)}.`,
  )
}

/** Compiles a where tree; returns '' for nothing. */
export function compileWhere(ctx: CompileContext, nodes: readonly WhereNode[]): string {
  const parts = nodes.map((n) => compileNode(ctx, n))
  if (ctx.paramsOnly) return ''
  if (parts.length === 0) return ''
  return parts.length === 1 ? (parts[0] as string) : parts.map((p) => `(${p})`).join(' AND ')
}

function compileNode(ctx: CompileContext, node: WhereNode, negated = false): string {
  switch (node.kind) {
    case 'lookup':
      return negated ? compileNegatedLookup(ctx, node.path, node.value) : compileLookup(ctx, node.path, node.value)
    case 'and':
    case 'or': {
      const parts = node.children.map((c) => compileNode(ctx, c, negated))
      if (ctx.paramsOnly) return ''
      if (parts.length === 0) return node.kind === 'and' ? '1 = 1' : '1 = 0'
      return parts.map((p) => `(${p})`).join(node.kind === 'and' ? ' AND ' : ' OR ')
    }
    case 'not': {
      const inner = compileNode(ctx, node.child, !negated)
      return ctx.paramsOnly ? '' : `NOT (${inner})`
    }
  }
}

/**
 * A lookup under NOT, with Django's exclude() semantics: a column that can be NULL (a nullable
 * field, or one reached through a LEFT JOIN) gets `AND col IS NOT NULL`, so the NOT keeps the rows
 * where it is NULL; across a multi-valued (reverse) relation it means "no related row matches".
 */
function compileNegatedLookup(ctx: CompileContext, path: string, value: unknown): string {
  const resolved = resolvePath(ctx.baseModel, path)
  if (resolved.lookup === 'isnull' || value === null || value === undefined) return compileLookup(ctx, path, value)
  const hop = resolved.joins.findIndex((step) => step.rightColumn !== step.model.meta.pk.column)
  if (hop >= 0 && !(value instanceof Expression)) {
    const span = compileExcludedSpan(ctx, path, value, resolved, hop)
    if (span !== undefined) return span
  }
  const condition = compileLookup(ctx, path, value)
  const nullable = resolved.field.nullable || resolved.joins.some((step) => step.nullable)
  if (!nullable || ctx.paramsOnly || condition === '1 = 0') return condition
  return `${condition} AND ${ctx.columnOf(resolved)} IS NOT NULL`
}

/**
 * `outer.pk IN (SELECT fk FROM related WHERE <lookup> AND fk IS NOT NULL)` for a negated lookup that
 * goes backwards over a ForeignKey at join `hop`: a join would keep every row that has some other,
 * non-matching related row (and repeat it once per related row). undefined when the rest of the
 * path does not resolve on the related model (the join form is used then).
 */
function compileExcludedSpan(
  ctx: CompileContext,
  path: string,
  value: unknown,
  resolved: ResolvedPath,
  hop: number,
): string | undefined {
  const step = resolved.joins[hop] as JoinStep
  // a many-to-many hop is its junction (plus the far table when the path goes on past the key)
  const key = step.junction?.path ?? step.key
  const hops = step.junction !== undefined && resolved.joins[hop + 1]?.key === key ? 2 : 1
  if (path !== key && !path.startsWith(`${key}__`)) return undefined
  const tail = path.slice(key.length + 2)
  const first = tail.split('__')[0] as string
  const lookupFirst =
    (LOOKUPS as readonly string[]).includes(first) || (TRANSFORMS as readonly string[]).includes(first)
  const innerPath = tail === '' ? 'pk' : lookupFirst ? `pk__${tail}` : tail
  try {
    if (resolvePath(step.model, innerPath).joins.length !== resolved.joins.length - hop - hops) return undefined
  } catch {
    return undefined
  }
  const outer = ctx.aliasFor(resolved.joins.slice(0, hop))
  const sub = new CompileContext(ctx.dialect, step.model, ctx.paramsOnly, ctx.params)
  // the inner path compares the far pk itself: instances given for the relation become their keys
  const keys = resolved.relationKey && innerPath.split('__')[0] === 'pk'
  const inner = !keys ? value : Array.isArray(value) || value instanceof Set ? [...value].map(keyOf) : keyOf(value)
  const condition = compileLookup(sub, innerPath, inner)
  // many-to-many: the far table's rows come back to the near key through the junction
  const back = step.junction === undefined ? undefined : sub.columnOf(resolvePath(step.model, step.junction.back))
  if (ctx.paramsOnly) return ''
  const fk = back ?? `${sub.baseAlias}.${ctx.quote(step.rightColumn)}`
  return (
    `${outer}.${ctx.quote(step.leftColumn)} IN (SELECT ${fk}${sub.fromClause()}` +
    ` WHERE (${condition}) AND ${fk} IS NOT NULL)`
  )
}

/** The ORDER BY clause of a state ('' when unordered); `annotations` are names selected by annotate(). */
export function compileOrdering(
  ctx: CompileContext,
  ordering: readonly string[],
  annotations: Readonly<Record<string, unknown>> = {},
): string {
  const terms: string[] = []
  for (const term of ordering) {
    if (term === '?') {
      terms.push('RANDOM()')
      continue
    }
    const desc = term.startsWith('-')
    const path = desc ? term.slice(1) : term
    // an annotation is ordered by its output column
    const column = Object.hasOwn(annotations, path)
      ? ctx.quote(path)
      : ctx.columnOf(resolveReference(ctx.baseModel, path))
    terms.push(`${column}${desc ? ' DESC' : ' ASC'}`)
  }
  return ctx.paramsOnly || terms.length === 0 ? '' : ` ORDER BY ${terms.join(', ')}`
}

/** The ordering a state uses: explicit, else the model's default (dropped for count/exists/aggregate). */
export function effectiveOrdering(state: QueryState): readonly string[] {
  return state.ordering ?? state.model.meta.ordering
}
