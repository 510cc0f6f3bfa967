/**
 * Compiles a {@link QueryState} into SQL and parameters for one dialect. The same traversal runs
 * in two modes: building SQL and params, or collecting params only. The compile cache stores the
 * SQL of a query shape and, on a hit, only the cheap params-only pass runs; because both passes
 * are one code path, the params always line up with the cached placeholders.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { FieldError } from '../errors.js'
import type { AnyField } from '../models/fields/field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { Aggregate } from './aggregates.js'
import type { Dialect } from './dialect.js'
import { CombinedExpression, Expression, FieldRef, Value } from './expressions.js'
import { type JoinStep, type ResolvedPath, resolvePath } from './path-resolver.js'
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
  readonly #joins = new Map<string, { step: JoinStep; alias: string; parentAlias: string }>()
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
    for (const { step, alias, parentAlias } of this.#joins.values()) {
      sql +=
        `${step.nullable ? ' LEFT OUTER JOIN ' : ' INNER JOIN '}${this.quote(step.table)} AS ${alias}` +
        ` ON ${alias}.${this.quote(step.rightColumn)} = ${parentAlias}.${this.quote(step.leftColumn)}`
    }
    return sql
  }

  get hasJoins(): boolean {
    return this.#joins.size > 0
  }
}

/** Converts a lookup value for the compared field. */
function prepareValue(ctx: CompileContext, resolved: ResolvedPath, value: unknown): unknown {
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
  return target.toDb(cleaned, ctx.vendor)
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
    const inner = expr.path === '*' ? '*' : ctx.columnOf(resolveReference(ctx.baseModel, expr.path))
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

/** A path used as a value reference (F, order, values): no lookup allowed. */
export function resolveReference(model: ModelClassLike, path: string): ResolvedPath {
  const resolved = resolvePath(model, path)
  if (resolved.lookup !== 'exact' || resolved.transform !== undefined) {
    throw new FieldError(`'${path}' names a lookup, not a field; F(), orderBy() and values() take field paths.`)
  }
  return resolved
}

function compileLookup(ctx: CompileContext, path: string, value: unknown): string {
  const resolved = resolvePath(ctx.baseModel, path)
  let lhs = ctx.columnOf(resolved)
  const d = ctx.dialect
  if (resolved.transform !== undefined && !ctx.paramsOnly) {
    lhs = resolved.transform === 'date' ? d.dateOf(lhs) : d.extract(resolved.transform, lhs)
  }
  const transformed = resolved.transform !== undefined
  const scalar = (v: unknown) =>
    transformed ? (resolved.transform === 'date' ? dateString(v) : Number(v)) : prepareValue(ctx, resolved, v)
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
      return `${lhs} = ${ctx.param(scalar(value))}`
    }
    case 'gt':
      return `${lhs} > ${ctx.param(scalar(value))}`
    case 'gte':
      return `${lhs} >= ${ctx.param(scalar(value))}`
    case 'lt':
      return `${lhs} < ${ctx.param(scalar(value))}`
    case 'lte':
      return `${lhs} <= ${ctx.param(scalar(value))}`
    case 'isnull':
      if (typeof value !== 'boolean')
        throw new FieldError(`'${path}' takes true or false, got ${JSON.stringify(value)}.`)
      return ctx.paramsOnly ? '' : `${lhs} IS ${value ? '' : 'NOT '}NULL`
    case 'in': {
      if (!Array.isArray(value) && !(value instanceof Set)) {
        throw new FieldError(`'${path}' takes an array, got ${typeof value}.`)
      }
      const items = [...value].map(scalar)
      if (items.length === 0) return ctx.paramsOnly ? '' : '1 = 0'
      if (ctx.dialect.arrayParams) return `${lhs} = ANY(${ctx.param(items)})`
      const placeholders = items.map((item) => ctx.param(item))
      return ctx.paramsOnly ? '' : `${lhs} IN (${placeholders.join(', ')})`
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) {
        throw new FieldError(`'${path}' takes [low, high], got ${JSON.stringify(value)}.`)
      }
      const low = ctx.param(scalar(value[0]))
      const high = ctx.param(scalar(value[1]))
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

function textValue(path: string, value: unknown): string {
  if (typeof value !== 'string') throw new FieldError(`'${path}' takes a string, got ${JSON.stringify(value)}.`)
  return value
}

function dateString(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return String(value)
}

/** Compiles a where tree; returns '' for nothing. */
export function compileWhere(ctx: CompileContext, nodes: readonly WhereNode[]): string {
  const parts = nodes.map((n) => compileNode(ctx, n))
  if (ctx.paramsOnly) return ''
  if (parts.length === 0) return ''
  return parts.length === 1 ? (parts[0] as string) : parts.map((p) => `(${p})`).join(' AND ')
}

function compileNode(ctx: CompileContext, node: WhereNode): string {
  switch (node.kind) {
    case 'lookup':
      return compileLookup(ctx, node.path, node.value)
    case 'and':
    case 'or': {
      const parts = node.children.map((c) => compileNode(ctx, c))
      if (ctx.paramsOnly) return ''
      if (parts.length === 0) return node.kind === 'and' ? '1 = 1' : '1 = 0'
      return parts.map((p) => `(${p})`).join(node.kind === 'and' ? ' AND ' : ' OR ')
    }
    case 'not': {
      const inner = compileNode(ctx, node.child)
      return ctx.paramsOnly ? '' : `NOT (${inner})`
    }
  }
}

/** The ORDER BY clause of a state ('' when unordered). */
export function compileOrdering(ctx: CompileContext, ordering: readonly string[]): string {
  const terms: string[] = []
  for (const term of ordering) {
    if (term === '?') {
      terms.push('RANDOM()')
      continue
    }
    const desc = term.startsWith('-')
    const path = desc ? term.slice(1) : term
    const column = ctx.columnOf(resolveReference(ctx.baseModel, path))
    terms.push(`${column}${desc ? ' DESC' : ' ASC'}`)
  }
  return ctx.paramsOnly || terms.length === 0 ? '' : ` ORDER BY ${terms.join(', ')}`
}

/** The ordering a state uses: explicit, else the model's default (dropped for count/exists/aggregate). */
export function effectiveOrdering(state: QueryState): readonly string[] {
  return state.ordering ?? state.model.meta.ordering
}
