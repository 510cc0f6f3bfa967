/**
 * Turns `author__name__icontains` into joins, a final field and the lookups to apply, following
 * relations forward (ForeignKey, OneToOneField) and backward (reverse accessors by relatedName),
 * and many-to-many relations both ways through their junction table. Results are cached per model
 * and path: they depend on nothing else.
 */
import { FieldError } from '../errors.js'
import type { AnyField } from '../models/fields/field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { getModel } from '../models/registry.js'

/** Lookup names dorm understands after a field. */
export const LOOKUPS = [
  'exact',
  'iexact',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'range',
  'isnull',
  'regex',
  'iregex',
] as const
/** Transforms that change the compared expression. */
export const TRANSFORMS = ['date', 'year', 'month', 'day'] as const

export type LookupName = (typeof LOOKUPS)[number]
export type TransformName = (typeof TRANSFORMS)[number]

const LOOKUP_SET = new Set<string>(LOOKUPS)
const TRANSFORM_SET = new Set<string>(TRANSFORMS)

/** One JOIN on the way to the compared column. */
export interface JoinStep {
  /** The path that leads here (`author`, `author__publisher`): the join's identity. */
  readonly key: string
  readonly table: string
  /** Column on the previous table. */
  readonly leftColumn: string
  /** Column on the joined table. */
  readonly rightColumn: string
  /** LEFT JOIN when the relation can be missing (nullable FK, reverse relation). */
  readonly nullable: boolean
  /** The model of the joined table; a junction-table hop carries the model the relation leads to. */
  readonly model: ModelClassLike
  /**
   * Set on the junction hop of a many-to-many relation: `path` is the relation's own path (`tags`),
   * `back` the path from the far model back to the near key (`exclude()` builds its subquery from it).
   */
  readonly junction?: { readonly path: string; readonly back: string }
}

/** A resolved lookup path. */
export interface ResolvedPath {
  readonly joins: readonly JoinStep[]
  readonly field: AnyField
  readonly column: string
  readonly model: ModelClassLike
  readonly transform: TransformName | undefined
  readonly lookup: LookupName
  /** The column holds a related row's key (an FK column): instances given as values become their pk. */
  readonly relationKey: boolean
}

interface RelationField {
  readonly relatedModel: ModelClassLike
}

const cache = new WeakMap<ModelClassLike, Map<string, ResolvedPath>>()

function choices(model: ModelClassLike): string {
  const names = [...model.meta.fieldNames(), ...model.meta.relatedObjects.map((r) => r.name)]
  for (const f of model.meta.fields) if (f.isRelation && f.concrete) names.push(`${f.name}Id`)
  return [...new Set([...names, 'pk'])].sort().join(', ')
}

function unknownField(model: ModelClassLike, part: string, path: string): FieldError {
  return new FieldError(
    `Cannot resolve keyword '${part}' into a field of ${model.meta.label} (in '${path}'). Choices are: ${choices(model)}.`,
  )
}

function unknownLookup(field: AnyField, rest: string[], path: string): FieldError {
  return new FieldError(
    `Unsupported lookup '${rest.join('__')}' for ${field.kind} ${field.describe()} (in '${path}'). ` +
      `Lookups: ${LOOKUPS.join(', ')}; transforms: ${TRANSFORMS.join(', ')} (then a lookup, e.g. year__gte).`,
  )
}

/**
 * Resolves a filter / order / values path on `model`.
 *
 * @example
 * ```ts
 * resolvePath(Book, 'author__name__icontains') // one join to the author table, lookup 'icontains'
 * ```
 */
export function resolvePath(model: ModelClassLike, path: string): ResolvedPath {
  let perModel = cache.get(model)
  if (perModel === undefined) {
    perModel = new Map()
    cache.set(model, perModel)
  }
  const hit = perModel.get(path)
  if (hit !== undefined) return hit
  const resolved = resolveUncached(model, path)
  perModel.set(path, resolved)
  return resolved
}

function resolveUncached(model: ModelClassLike, path: string): ResolvedPath {
  const parts = path.split('__')
  const joins: JoinStep[] = []
  let current = model
  let key = ''
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const rest = parts.slice(i + 1)
    const field = current.meta.findField(part)
    if (field === undefined) {
      // `authorId`: the raw key column, no join
      if (part.endsWith('Id')) {
        const fk = current.meta.findField(part.slice(0, -2))
        if (fk?.isRelation && fk.concrete) return finish(fk, fk.column, current, joins, rest, path, true)
      }
      const related = current.meta.relatedObjects.find((r) => r.name === part || r.model.meta.modelName === part)
      const m2m = related?.field instanceof ManyToManyField ? related.field : hiddenManyToMany(current, part)
      if (m2m !== undefined) {
        key = key ? `${key}__${part}` : part
        const hop = manyToManyHop(m2m, true, key, rest, joins)
        if (hop.done) return finish(hop.field, hop.column, hop.model, joins, hop.rest, path, true)
        current = hop.model
        continue
      }
      if (related === undefined) throw unknownField(current, part, path)
      key = key ? `${key}__${part}` : part
      joins.push({
        key,
        table: related.model.meta.dbTable,
        leftColumn: current.meta.pk.column,
        rightColumn: related.field.column,
        nullable: true,
        model: related.model,
      })
      current = related.model
      const next = rest[0]
      if (next === undefined || LOOKUP_SET.has(next) || TRANSFORM_SET.has(next)) {
        return finish(current.meta.pk, current.meta.pk.column, current, joins, rest, path, false)
      }
      continue
    }
    if (field.isRelation && field.concrete) {
      const next = rest[0]
      if (next === undefined || LOOKUP_SET.has(next) || TRANSFORM_SET.has(next)) {
        return finish(field, field.column, current, joins, rest, path, true)
      }
      const target = (field as unknown as RelationField).relatedModel
      // `author__id` / `author__pk`: the FK column already holds it
      if (
        rest.length <= 2 &&
        (next === 'pk' || next === target.meta.pk.name) &&
        (rest.length === 1 || isLookupOrTransform(rest[1]))
      ) {
        return finish(field, field.column, current, joins, rest.slice(1), path, true)
      }
      key = key ? `${key}__${part}` : part
      joins.push({
        key,
        table: target.meta.dbTable,
        leftColumn: field.column,
        rightColumn: target.meta.pk.column,
        nullable: field.nullable,
        model: target,
      })
      current = target
      continue
    }
    if (field instanceof ManyToManyField) {
      key = key ? `${key}__${part}` : part
      const hop = manyToManyHop(field, false, key, rest, joins)
      if (hop.done) return finish(hop.field, hop.column, hop.model, joins, hop.rest, path, true)
      current = hop.model
      continue
    }
    if (!field.concrete) throw new FieldError(`${field.describe()} (${field.kind}) cannot be used in '${path}' yet.`)
    return finish(field, field.column, current, joins, rest, path, false)
  }
  // the path ended on a relation hop (`author__publisher` handled above); unreachable in practice
  throw unknownField(current, parts[parts.length - 1] as string, path)
}

/**
 * `+<label>.<field>`: the name the related managers use to come back through a many-to-many field
 * from its target, also when the field hides its reverse side (`relatedName: 'books+'`).
 */
function hiddenManyToMany(model: ModelClassLike, part: string): ManyToManyField | undefined {
  if (!part.startsWith('+')) return undefined
  const dot = part.lastIndexOf('.')
  const field = getModel(part.slice(1, dot))?.meta.findField(part.slice(dot + 1))
  return field instanceof ManyToManyField && field.relatedModel === model ? field : undefined
}

type Hop =
  | { done: true; field: AnyField; column: string; model: ModelClassLike; rest: string[] }
  | { done: false; model: ModelClassLike }

/**
 * Joins through a many-to-many junction: always the junction, then the far model unless the path
 * stops at its key (`tags`, `tags__in`, `tags__pk`), which the junction column holds already.
 */
function manyToManyHop(field: ManyToManyField, reverse: boolean, key: string, rest: string[], joins: JoinStep[]): Hop {
  const j = field.junction
  const [near, far] = reverse ? [j.target, j.source] : [j.source, j.target]
  const [nearColumn, farColumn] = reverse ? [j.targetColumn, j.sourceColumn] : [j.sourceColumn, j.targetColumn]
  // the junction gets a key of its own ('+' cannot start a field name, so no path reaches it)
  joins.push({
    key: `${key}+junction`,
    table: j.table,
    leftColumn: near.meta.pk.column,
    rightColumn: nearColumn,
    nullable: true,
    model: far,
    junction: { path: key, back: reverse ? field.name : field.hiddenQueryName },
  })
  const next = rest[0]
  if (next === undefined || isLookupOrTransform(next)) {
    return { done: true, field: far.meta.pk, column: farColumn, model: far, rest }
  }
  if (
    rest.length <= 2 &&
    (next === 'pk' || next === far.meta.pk.name) &&
    (rest.length === 1 || isLookupOrTransform(rest[1]))
  ) {
    return { done: true, field: far.meta.pk, column: farColumn, model: far, rest: rest.slice(1) }
  }
  joins.push({
    key,
    table: far.meta.dbTable,
    leftColumn: farColumn,
    rightColumn: far.meta.pk.column,
    nullable: true,
    model: far,
  })
  return { done: false, model: far }
}

function isLookupOrTransform(part: string | undefined): boolean {
  return part !== undefined && (LOOKUP_SET.has(part) || TRANSFORM_SET.has(part))
}

function finish(
  field: AnyField,
  column: string,
  model: ModelClassLike,
  joins: JoinStep[],
  rest: string[],
  path: string,
  relationKey: boolean,
): ResolvedPath {
  let transform: TransformName | undefined
  let lookup: LookupName = 'exact'
  const [first, second, ...extra] = rest
  if (first !== undefined) {
    if (TRANSFORM_SET.has(first)) {
      transform = first as TransformName
      if (second !== undefined) {
        if (!LOOKUP_SET.has(second) || extra.length > 0) throw unknownLookup(field, rest, path)
        lookup = second as LookupName
      }
    } else if (LOOKUP_SET.has(first) && second === undefined) {
      lookup = first as LookupName
    } else {
      throw unknownLookup(field, rest, path)
    }
  }
  return { joins, field, column, model, transform, lookup, relationKey }
}

const relationJoinCache = new WeakMap<ModelClassLike, Map<string, JoinStep[]>>()

/**
 * The joins that reach the model at the end of a forward relation path (`author__publisher`), as
 * used by `selectRelated`. Throws FieldError for anything but ForeignKey / OneToOneField hops.
 */
export function joinsForRelation(model: ModelClassLike, path: string): JoinStep[] {
  let perModel = relationJoinCache.get(model)
  if (perModel === undefined) {
    perModel = new Map()
    relationJoinCache.set(model, perModel)
  }
  const hit = perModel.get(path)
  if (hit !== undefined) return hit
  const joins: JoinStep[] = []
  let current = model
  let key = ''
  let outer = false
  for (const part of path.split('__')) {
    const field = current.meta.findField(part)
    if (field === undefined || !field.isRelation || !field.concrete) {
      const options = current.meta.fields.filter((f) => f.isRelation && f.concrete).map((f) => f.name)
      throw new FieldError(
        `selectRelated('${path}'): '${part}' is not a ForeignKey or OneToOneField of ${current.meta.label}. ` +
          `Choices: ${options.join(', ') || '(none)'}. Use prefetchRelated() for reverse and many-to-many relations.`,
      )
    }
    outer = outer || field.nullable
    const target = (field as unknown as RelationField).relatedModel
    key = key ? `${key}__${part}` : part
    joins.push({
      key,
      table: target.meta.dbTable,
      leftColumn: field.column,
      rightColumn: target.meta.pk.column,
      // INNER for a required key (it always has a row; PostgreSQL also refuses FOR UPDATE on the
      // nullable side of an outer join), LEFT once any hop can be missing, so no base row is dropped
      nullable: outer,
      model: target,
    })
    current = target
  }
  perModel.set(path, joins)
  return joins
}
