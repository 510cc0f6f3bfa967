/**
 * prefetchRelated: loads a relation of many instances with one query per relation level,
 * whatever the number of instances (`books` = 1 query, `books__reviews` = 2).
 */
import { FieldError } from '../errors.js'
import type { AnyField } from '../models/fields/field.js'
import { instanceState } from '../models/instance-state.js'
import type { ModelClassLike } from '../models/model-meta.js'
import type { FieldMap } from '../models/model-types.js'
import { type QueryModel, QuerySet } from './queryset.js'

interface RelationField extends AnyField {
  readonly relatedModel: ModelClassLike
  readonly attname: string
}

/** A prefetcher for one relation kind; M2M plugs in here too. */
export type Prefetcher = (
  model: QueryModel,
  instances: readonly Record<string, unknown>[],
  name: string,
  alias: string,
) => Promise<{ model: QueryModel; loaded: Record<string, unknown>[] } | undefined>

const extraPrefetchers: Prefetcher[] = []

/** @internal lets other relation kinds (many-to-many) take part in prefetchRelated */
export function registerPrefetcher(prefetcher: Prefetcher): void {
  extraPrefetchers.push(prefetcher)
}

async function prefetchForward(
  field: RelationField,
  instances: readonly Record<string, unknown>[],
  alias: string,
): Promise<Record<string, unknown>[]> {
  const keys = [...new Set(instances.map((i) => i[field.attname]).filter((k) => k !== null && k !== undefined))]
  const target = field.relatedModel as QueryModel
  const rows =
    keys.length === 0
      ? []
      : ((await new QuerySet<unknown, FieldMap>(target).using(alias).filter({ pk__in: keys as never })) as Record<
          string,
          unknown
        >[])
  const byKey = new Map(rows.map((r) => [r[target.meta.pk.name], r]))
  for (const instance of instances) {
    const key = instance[field.attname]
    instanceState(instance).related.set(field.name, key === null || key === undefined ? null : (byKey.get(key) ?? null))
  }
  return rows
}

async function prefetchLevel(
  model: QueryModel,
  instances: readonly Record<string, unknown>[],
  name: string,
  alias: string,
): Promise<{ model: QueryModel; loaded: Record<string, unknown>[] }> {
  const field = model.meta.findField(name)
  if (field?.isRelation && field.concrete) {
    const rel = field as RelationField
    return { model: rel.relatedModel as QueryModel, loaded: await prefetchForward(rel, instances, alias) }
  }
  // many-to-many reverse relations have no FK column here: their prefetcher is registered below
  const reverse = model.meta.relatedObjects.find((r) => r.name === name && r.field.concrete)
  if (reverse !== undefined) {
    const pkName = model.meta.pk.name
    const keys = [...new Set(instances.map((i) => i[pkName]))]
    const related = reverse.model as QueryModel
    const rows = (await new QuerySet<unknown, FieldMap>(related)
      .using(alias)
      .filter({ [`${reverse.field.name}__in`]: keys } as never)) as Record<string, unknown>[]
    const groups = new Map<unknown, Record<string, unknown>[]>()
    for (const row of rows) {
      const key = row[reverse.field.attname]
      let group = groups.get(key)
      if (group === undefined) {
        group = []
        groups.set(key, group)
      }
      group.push(row)
    }
    for (const instance of instances) {
      const group = groups.get(instance[pkName]) ?? []
      const state = instanceState(instance)
      if (reverse.single) state.related.set(name, group[0] ?? null)
      else state.prefetched.set(name, group)
      // the child's forward accessor can answer without a query too
      for (const row of group) instanceState(row).related.set(reverse.field.name, instance)
    }
    return { model: related, loaded: rows }
  }
  for (const prefetcher of extraPrefetchers) {
    const result = await prefetcher(model, instances, name, alias)
    if (result !== undefined) return result
  }
  const choices = [
    ...model.meta.fields.filter((f) => f.isRelation).map((f) => f.name),
    ...model.meta.relatedObjects.map((r) => r.name),
  ]
  throw new FieldError(
    `prefetchRelated('${name}'): ${model.meta.label} has no relation '${name}'. Choices: ${choices.join(', ') || '(none)'}.`,
  )
}

/**
 * Loads each `path` (`'books'`, `'author'`, `'books__reviews'`) for `instances`.
 *
 * @example
 * ```ts
 * await runPrefetch(Author, authors, ['books'], 'default') // one query for every author's books
 * ```
 */
export async function runPrefetch(
  model: QueryModel,
  instances: readonly unknown[],
  paths: readonly string[],
  alias: string,
): Promise<void> {
  if (instances.length === 0) return
  // shared prefixes are loaded once: 'books' and 'books__reviews' cost two queries, not three
  const done = new Map<string, { model: QueryModel; loaded: Record<string, unknown>[] }>()
  for (const path of paths) {
    let currentModel = model
    let current = instances as Record<string, unknown>[]
    let prefix = ''
    for (const part of path.split('__')) {
      prefix = prefix ? `${prefix}__${part}` : part
      let level = done.get(prefix)
      if (level === undefined) {
        level = await prefetchLevel(currentModel, current, part, alias)
        done.set(prefix, level)
      }
      currentModel = level.model
      current = level.loaded
      if (current.length === 0) break
    }
  }
}
