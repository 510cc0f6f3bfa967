/**
 * SELECT / COUNT / EXISTS / aggregate / UPDATE / DELETE statements of a QuerySet, and the cache
 * that keeps compiled SQL per query shape.
 */
import type { Vendor } from '../backends/base/base-connection.js'
import { FieldError } from '../errors.js'
import type { AnyField } from '../models/fields/field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { Aggregate } from './aggregates.js'
import {
  CompileContext,
  type CompiledQuery,
  compileExpression,
  compileOrdering,
  compileWhere,
  effectiveOrdering,
  resolveReference,
  type SelectedColumn,
} from './compiler.js'
import type { Dialect } from './dialect.js'
import { Expression } from './expressions.js'
import { type JoinStep, joinsForRelation } from './path-resolver.js'
import type { LockOptions, QueryState, WhereNode } from './query-state.js'

/** The key an instance property uses for a field: `authorId` for relations, the name otherwise. */
export function attributeOf(field: AnyField): string {
  return field.isRelation ? `${field.name}Id` : field.name
}

/** A compiled SELECT plus how to read its rows. */
export interface CompiledSelect extends CompiledQuery {
  readonly columns: readonly SelectedColumn[]
}

interface CachedSql {
  readonly sql: string
  readonly columns: readonly SelectedColumn[]
}

const MAX_CACHED_SHAPES = 2000
const sqlCache = new Map<string, CachedSql>()

/** Compiled-shape cache statistics (for benchmarks and tests). */
export const compileCacheStats = { hits: 0, misses: 0 }

/** Empties the compile cache (tests). */
export function clearCompileCache(): void {
  sqlCache.clear()
}

function valueShape(value: unknown): string {
  if (value === null || value === undefined) return 'N'
  if (value instanceof Expression) return `E${expressionShape(value)}`
  if (Array.isArray(value)) return `A${value.length}`
  if (value instanceof Set) return `A${value.size}`
  if (typeof value === 'boolean') return value ? 'T' : 'F'
  return 'V'
}

function expressionShape(expr: Expression): string {
  const e = expr as unknown as Record<string, unknown>
  if ('left' in e)
    return `(${expressionShape(e.left as Expression)}${String(e.operator)}${expressionShape(e.right as Expression)})`
  if ('fn' in e) return `${String(e.fn)}${e.distinct ? 'D' : ''}:${String(e.path)}`
  if ('path' in e) return `F:${String(e.path)}`
  return 'V'
}

function whereShape(nodes: readonly WhereNode[]): string {
  let s = ''
  for (const node of nodes) {
    switch (node.kind) {
      case 'lookup':
        s += `${node.path}=${valueShape(node.value)};`
        break
      case 'and':
      case 'or':
        s += `${node.kind}(${whereShape(node.children)})`
        break
      case 'not':
        s += `not(${whereShape([node.child])})`
        break
    }
  }
  return s
}

/**
 * The cache key of a state: only the parts that differ from the defaults are written, because the
 * key is built, hashed and compared on every compile and its length is most of that cost.
 */
function stateShape(state: QueryState, statement: string): string {
  let key = `${statement}|${state.model.meta.label}|${whereShape(state.where)}`
  if (state.ordering !== null) key += `|o${state.ordering.join(',')}`
  if (state.limit !== null) key += '|l'
  if (state.offset !== null) key += '|f'
  if (state.distinct) key += '|d'
  if (state.selectRelated.length > 0) key += `|r${state.selectRelated.join(',')}`
  if (state.only !== null) key += `|n${state.only.join(',')}`
  if (state.defer.length > 0) key += `|x${state.defer.join(',')}`
  const m = state.mode
  if (m.kind !== 'instances') key += `|m${m.kind === 'valuesList' && m.flat ? 'F' : m.kind}${m.fields.join(',')}`
  for (const name in state.annotations) key += `|a${name}:${expressionShape(state.annotations[name] as Expression)}`
  const lock = state.lock
  if (lock !== null) key += `|k${lock.skipLocked ? 's' : ''}${lock.noWait ? 'n' : ''}${lock.of?.join(',') ?? ''}`
  return key
}

/**
 * Compiles through the shape cache: on a hit only the params are collected.
 */
function cached(
  key: string,
  dialect: Dialect,
  state: QueryState,
  build: (ctx: CompileContext) => SelectedColumn[],
  finish: (ctx: CompileContext, columns: SelectedColumn[]) => string,
): CompiledSelect {
  const fullKey = `${dialect.vendor}|${key}`
  const hit = sqlCache.get(fullKey)
  if (hit !== undefined) {
    compileCacheStats.hits++
    const ctx = new CompileContext(dialect, state.model, true)
    build(ctx)
    finish(ctx, [])
    return { sql: hit.sql, params: ctx.params, columns: hit.columns }
  }
  compileCacheStats.misses++
  const ctx = new CompileContext(dialect, state.model, false)
  const columns = build(ctx)
  const sql = finish(ctx, columns)
  if (sqlCache.size >= MAX_CACHED_SHAPES) sqlCache.clear()
  sqlCache.set(fullKey, { sql, columns })
  return { sql, params: ctx.params, columns }
}

function selectedFields(state: QueryState, model: ModelClassLike): AnyField[] {
  const meta = model.meta
  let fields = meta.concreteFields
  if (state.only !== null) {
    const wanted = new Set(state.only)
    fields = fields.filter((f) => f.primaryKey || wanted.has(f.name))
    for (const name of state.only) {
      if (!name.includes('__') && meta.findField(name) === undefined) {
        throw new FieldError(`only(): ${meta.label} has no field '${name}'. Fields: ${meta.fieldNames().join(', ')}.`)
      }
    }
  }
  if (state.defer.length > 0) {
    for (const name of state.defer) {
      if (meta.findField(name) === undefined) {
        throw new FieldError(`defer(): ${meta.label} has no field '${name}'. Fields: ${meta.fieldNames().join(', ')}.`)
      }
    }
    const skipped = new Set(state.defer)
    fields = fields.filter((f) => f.primaryKey || !skipped.has(f.name))
  }
  return fields
}

/** `author__publisher` loads `author` too (parents first): the instance hangs off its parent. */
function withParents(paths: readonly string[]): string[] {
  const out = new Set<string>()
  for (const path of paths) {
    const parts = path.split('__')
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('__'))
  }
  return [...out]
}

function selectList(ctx: CompileContext, state: QueryState): SelectedColumn[] {
  const columns: SelectedColumn[] = []
  const mode = state.mode
  if (mode.kind === 'instances') {
    for (const field of selectedFields(state, state.model)) {
      columns.push({ alias: attributeOf(field), field, relation: '' })
    }
    for (const path of withParents(state.selectRelated)) {
      const joins = joinsForRelation(state.model, path)
      const relation = (joins[joins.length - 1] as JoinStep).model
      for (const field of relation.meta.concreteFields) {
        columns.push({ alias: `${path}__${attributeOf(field)}`, field, relation: path })
      }
    }
  } else {
    // values() without names: every field, then the annotations (as Django)
    const names =
      mode.fields.length > 0
        ? mode.fields
        : [...state.model.meta.concreteFields.map(attributeOf), ...Object.keys(state.annotations)]
    for (const name of names) {
      if (Object.hasOwn(state.annotations, name)) {
        const convert = annotationConverter(state.model, state.annotations[name] as Expression)
        columns.push({ alias: name, field: undefined, relation: '', convert })
        continue
      }
      const resolved = resolveReference(state.model, name)
      columns.push({ alias: name, field: resolved.field, relation: `=${name}` })
    }
  }
  if (mode.kind === 'instances') {
    for (const [name, expr] of Object.entries(state.annotations)) {
      columns.push({ alias: name, field: undefined, relation: '', convert: annotationConverter(state.model, expr) })
    }
  }
  void ctx
  return columns
}

const toNumber = (value: unknown): unknown => (typeof value === 'number' ? value : Number(value))

/**
 * How the raw value of an aggregate becomes a JS value, the same in annotate() and aggregate():
 * COUNT / SUM / AVG are numbers (PostgreSQL hands bigint and numeric back as strings), MIN / MAX
 * read like the field they range over (a DateTimeField's MAX is a Date). Other expressions: as
 * the driver returns them.
 */
export function annotationConverter(
  model: ModelClassLike,
  expr: Expression,
): ((value: unknown, vendor: Vendor) => unknown) | undefined {
  if (!(expr instanceof Aggregate)) return undefined
  if ((expr.fn === 'MIN' || expr.fn === 'MAX') && expr.path !== '*') {
    const field = resolveReference(model, expr.path).field
    return (value, vendor) => field.fromDb(value, vendor)
  }
  return toNumber
}

/**
 * `selectForUpdate({ of })` names tables by `'self'` (the queried model) or a selectRelated path;
 * the dialect gets their quoted aliases.
 */
function lockTargets(ctx: CompileContext, state: QueryState, lock: LockOptions): LockOptions {
  if (lock.of === undefined || lock.of.length === 0) return lock
  const of = lock.of.map((path) => {
    if (path === 'self') return ctx.baseAlias
    if (!state.selectRelated.includes(path)) {
      throw new FieldError(
        `selectForUpdate({ of }): '${path}' is neither 'self' nor a selectRelated() path of this query ` +
          `(selectRelated: ${state.selectRelated.join(', ') || 'none'}).`,
      )
    }
    return ctx.aliasFor(joinsForRelation(state.model, path))
  })
  return { ...lock, of }
}

/** SQL of the selected columns (joins are registered on ctx as a side effect). */
function selectSql(ctx: CompileContext, state: QueryState, columns: readonly SelectedColumn[]): string {
  const parts: string[] = []
  const q = (s: string) => ctx.quote(s)
  for (const column of columns) {
    if (column.field === undefined) {
      const expr = state.annotations[column.alias] as Expression
      const sql = compileExpression(ctx, expr)
      parts.push(`${sql} AS ${q(column.alias)}`)
      continue
    }
    let sql: string
    if (column.relation === '') {
      sql = ctx.paramsOnly ? '' : `${ctx.baseAlias}.${q(column.field.column)}`
    } else if (column.relation.startsWith('=')) {
      sql = ctx.columnOf(resolveReference(state.model, column.relation.slice(1)))
    } else {
      const alias = ctx.aliasFor(joinsForRelation(state.model, column.relation))
      sql = ctx.paramsOnly ? '' : `${alias}.${q(column.field.column)}`
    }
    parts.push(column.alias === column.field.column ? sql : `${sql} AS ${q(column.alias)}`)
  }
  return parts.join(', ')
}

function hasAggregate(state: QueryState): boolean {
  return Object.values(state.annotations).some((a) => a instanceof Aggregate)
}

/**
 * SQLite plans a bound `LIMIT ?` slower than a literal one (about 7 µs more per execution of a
 * point read), so on SQLite and libsql the limit is written as a literal (an integer: limit()
 * checks it) and is part of the compile-cache key; PostgreSQL keeps it as a parameter so one
 * prepared statement serves every limit.
 */
function inlinesLimit(dialect: Dialect): boolean {
  return dialect.vendor !== 'postgresql'
}

function limitSql(ctx: CompileContext, state: QueryState): string {
  let sql = ''
  if (state.limit !== null) {
    sql += inlinesLimit(ctx.dialect) ? ` LIMIT ${Math.trunc(state.limit)}` : ` LIMIT ${ctx.param(state.limit)}`
  }
  if (state.offset !== null) {
    // SQLite needs a LIMIT before OFFSET; -1 means none
    if (state.limit === null && ctx.vendor !== 'postgresql') sql += ' LIMIT -1'
    sql += ` OFFSET ${ctx.param(state.offset)}`
  }
  return ctx.paramsOnly ? '' : sql
}

/**
 * The SELECT of a QuerySet.
 *
 * @example
 * ```ts
 * compileSelect(Book.objects.filter({ pages__gt: 3 }).state, postgresDialect)
 * // { sql: 'SELECT ... WHERE "library_book"."pages" > $1', params: [3] }
 * ```
 */
export function compileSelect(state: QueryState, dialect: Dialect): CompiledSelect {
  let key = `${dialect.vendor}|${stateShape(state, 'select')}`
  if (state.limit !== null && inlinesLimit(dialect)) key += `|L${state.limit}`
  const hit = sqlCache.get(key)
  const hasAnnotations = Object.keys(state.annotations).length > 0
  if (hit !== undefined) {
    compileCacheStats.hits++
    // params only, in the order the full pass binds them: select list, where, limit/offset
    const ctx = new CompileContext(dialect, state.model, true)
    if (hasAnnotations) selectSql(ctx, state, hit.columns)
    compileWhere(ctx, state.where)
    limitSql(ctx, state)
    return { sql: hit.sql, params: ctx.params, columns: hit.columns }
  }
  compileCacheStats.misses++
  const ctx = new CompileContext(dialect, state.model, false)
  const columns = selectList(ctx, state)
  const select = selectSql(ctx, state, columns)
  const where = compileWhere(ctx, state.where)
  const ordering = compileOrdering(ctx, effectiveOrdering(state), state.annotations)
  const groupBy = hasAnnotations && hasAggregate(state) ? groupBySql(ctx, state, columns) : ''
  const limit = limitSql(ctx, state)
  const lock = state.lock ? dialect.forUpdate(lockTargets(ctx, state, state.lock)) : ''
  const sql =
    `SELECT ${state.distinct ? 'DISTINCT ' : ''}${select}${ctx.fromClause()}` +
    `${where ? ` WHERE ${where}` : ''}${groupBy}${ordering}${limit}${lock}`
  if (sqlCache.size >= MAX_CACHED_SHAPES) sqlCache.clear()
  sqlCache.set(key, { sql, columns })
  return { sql, params: ctx.params, columns }
}

function groupBySql(ctx: CompileContext, state: QueryState, columns: readonly SelectedColumn[]): string {
  if (ctx.paramsOnly) return ''
  const terms = columns
    .filter((c) => c.field !== undefined)
    .map((c) => {
      if (c.relation === '') return `${ctx.baseAlias}.${ctx.quote((c.field as AnyField).column)}`
      return ctx.quote(c.alias)
    })
  for (const [name, expr] of Object.entries(state.annotations))
    if (!(expr instanceof Aggregate)) terms.push(ctx.quote(name))
  return terms.length > 0 ? ` GROUP BY ${terms.join(', ')}` : ''
}

/** SELECT COUNT(*) (over a subquery when sliced or distinct). */
export function compileCount(state: QueryState, dialect: Dialect): CompiledQuery {
  if (state.limit !== null || state.offset !== null || state.distinct || Object.keys(state.annotations).length > 0) {
    const inner = compileSelect(
      {
        ...state,
        ordering: [],
        mode: state.mode.kind === 'instances' ? { kind: 'values', fields: [state.model.meta.pk.name] } : state.mode,
      },
      dialect,
    )
    const cast = dialect.vendor === 'postgresql' ? '::integer' : ''
    return { sql: `SELECT COUNT(*)${cast} AS "count" FROM (${inner.sql}) AS "sub"`, params: inner.params }
  }
  return cached(
    stateShape(state, 'count'),
    dialect,
    state,
    () => [],
    (ctx) => {
      const where = compileWhere(ctx, state.where)
      const cast = dialect.vendor === 'postgresql' ? '::integer' : ''
      const distinctPk = ctx.hasJoins ? `DISTINCT ${ctx.baseAlias}.${ctx.quote(state.model.meta.pk.column)}` : '*'
      return ctx.paramsOnly
        ? ''
        : `SELECT COUNT(${distinctPk})${cast} AS "count"${ctx.fromClause()}${where ? ` WHERE ${where}` : ''}`
    },
  )
}

/** SELECT 1 ... LIMIT 1. */
export function compileExists(state: QueryState, dialect: Dialect): CompiledQuery {
  return cached(
    stateShape(state, 'exists'),
    dialect,
    state,
    () => [],
    (ctx) => {
      const where = compileWhere(ctx, state.where)
      return ctx.paramsOnly ? '' : `SELECT 1 AS "one"${ctx.fromClause()}${where ? ` WHERE ${where}` : ''} LIMIT 1`
    },
  )
}

/** SELECT <aggregates> over the filtered rows (a subquery when sliced or distinct). */
export function compileAggregate(
  state: QueryState,
  dialect: Dialect,
  aggregates: Readonly<Record<string, Aggregate>>,
): CompiledQuery {
  const ctx = new CompileContext(dialect, state.model, false)
  const select = Object.entries(aggregates)
    .map(([name, agg]) => {
      if (!(agg instanceof Aggregate))
        throw new FieldError(`aggregate(): '${name}' is not an aggregate (Count, Sum, Avg, Min, Max).`)
      return `${compileExpression(ctx, agg)} AS ${ctx.quote(name)}`
    })
    .join(', ')
  if (select === '')
    throw new FieldError('aggregate() needs at least one aggregate, e.g. aggregate({ total: Sum("pages") }).')
  const where = compileWhere(ctx, state.where)
  return { sql: `SELECT ${select}${ctx.fromClause()}${where ? ` WHERE ${where}` : ''}`, params: ctx.params }
}

/** `WHERE pk IN (SELECT pk ... joins ...)` when filters cross relations (UPDATE/DELETE cannot join), plain WHERE otherwise. */
function writeWhere(ctx: CompileContext, state: QueryState): string {
  const inner = new CompileContext(ctx.dialect, state.model, false, ctx.params)
  const where = compileWhere(inner, state.where)
  if (where === '') return ''
  if (!inner.hasJoins) return ` WHERE ${where}`
  const pk = ctx.quote(state.model.meta.pk.column)
  return ` WHERE ${pk} IN (SELECT ${inner.baseAlias}.${pk}${inner.fromClause()} WHERE ${where})`
}

/**
 * UPDATE of the filtered rows; values may be F expressions.
 *
 * @example
 * ```ts
 * compileUpdate(qs.state, dialect, { pages: F('pages').add(1) })
 * ```
 */
export function compileUpdate(
  state: QueryState,
  dialect: Dialect,
  values: Readonly<Record<string, unknown>>,
): CompiledQuery {
  const ctx = new CompileContext(dialect, state.model, false)
  const sets: string[] = []
  for (const [name, value] of Object.entries(values)) {
    const field = fieldForWrite(state.model, name)
    const rhs =
      value instanceof Expression ? compileExpression(ctx, value) : ctx.param(toDbValue(field, value, dialect))
    if (ctx.hasJoins) {
      throw new FieldError(
        `update(): the value of '${name}' refers to a related model's field; UPDATE cannot join. ` +
          'Use F() on fields of the updated model only, or read the values first and bulkUpdate().',
      )
    }
    sets.push(`${ctx.quote(field.column)} = ${rhs}`)
  }
  if (sets.length === 0) throw new FieldError('update() needs at least one field to set.')
  const where = writeWhere(ctx, state)
  return { sql: `UPDATE ${ctx.baseAlias} SET ${sets.join(', ')}${where}`, params: ctx.params }
}

/** DELETE of the filtered rows. */
export function compileDelete(state: QueryState, dialect: Dialect): CompiledQuery {
  const ctx = new CompileContext(dialect, state.model, false)
  const where = writeWhere(ctx, state)
  return { sql: `DELETE FROM ${ctx.baseAlias}${where}`, params: ctx.params }
}

/** The field written by `name` (`author`, `authorId` or a plain field). */
export function fieldForWrite(model: ModelClassLike, name: string): AnyField {
  const field =
    model.meta.findField(name) ?? (name.endsWith('Id') ? model.meta.findField(name.slice(0, -2)) : undefined)
  if (field === undefined || !field.concrete) {
    throw new FieldError(
      `${model.meta.label} has no field '${name}' to write. Fields: ${model.meta.fieldNames().join(', ')}.`,
    )
  }
  return field
}

/** Converts a JS value for a column write (relations accept instances). */
export function toDbValue(field: AnyField, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null
  if (field.isRelation && typeof value === 'object' && value !== null && 'pk' in value) {
    return field.toDb((value as { pk: unknown }).pk, dialect.vendor)
  }
  return field.toDb(value, dialect.vendor)
}
