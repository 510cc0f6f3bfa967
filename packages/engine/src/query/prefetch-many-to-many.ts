/**
 * prefetchRelated for many-to-many relations, both ways (`'tags'` from Book, `'books'` from Tag):
 * one query per relation, the related table joined with the junction and filtered by the keys of
 * the instances, whose owner key comes back as an extra column to group the rows by.
 */
import { getConnection } from '../db/connection-registry.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import { instanceState } from '../models/instance-state.js'
import type { FieldMap } from '../models/model-types.js'
import { F } from './expressions.js'
import { registerPrefetcher } from './prefetch.js'
import { type QueryModel, QuerySet } from './queryset.js'

/** The annotation that carries each row's owner key; removed from the instances afterwards. */
const OWNER_KEY = '_prefetchOwnerKey'

/**
 * Loads the many-to-many relation `name` of `instances` in one query, or undefined when `name` is
 * not a many-to-many relation of `model` (the next prefetcher gets a chance).
 *
 * @example
 * ```ts
 * await prefetchManyToMany(Book, books, 'tags', 'default') // book.tags.all() answers from the cache
 * ```
 */
export async function prefetchManyToMany(
  model: QueryModel,
  instances: readonly Record<string, unknown>[],
  name: string,
  alias: string,
): Promise<{ model: QueryModel; loaded: Record<string, unknown>[] } | undefined> {
  const own = model.meta.findField(name)
  const reverse =
    own instanceof ManyToManyField
      ? undefined
      : model.meta.relatedObjects.find((r) => r.name === name && r.field instanceof ManyToManyField)
  const field = own instanceof ManyToManyField ? own : (reverse?.field as ManyToManyField | undefined)
  if (field === undefined) return undefined
  // from the related rows' side: the path back to the owners through the junction
  const related = (reverse === undefined ? field.relatedModel : field.junction.source) as QueryModel
  const back = reverse === undefined ? field.hiddenQueryName : field.name
  const pk = model.meta.pk
  const keys = [...new Set(instances.map((i) => i[pk.name]).filter((k) => k !== null && k !== undefined))]
  const rows =
    keys.length === 0
      ? []
      : ((await new QuerySet<unknown, FieldMap>(related)
          .using(alias)
          .filter({ [`${back}__in`]: keys } as never)
          .annotate({ [OWNER_KEY]: F(back) })) as Record<string, unknown>[])
  const vendor = getConnection(alias).vendor
  const groups = new Map<unknown, Record<string, unknown>[]>()
  for (const row of rows) {
    // the annotation is a raw driver value (a bigint comes back as a string from pg)
    const key = pk.fromDb(row[OWNER_KEY], vendor)
    delete row[OWNER_KEY]
    let group = groups.get(key)
    if (group === undefined) {
      group = []
      groups.set(key, group)
    }
    group.push(row)
  }
  for (const instance of instances) instanceState(instance).prefetched.set(name, groups.get(instance[pk.name]) ?? [])
  return { model: related, loaded: rows }
}

registerPrefetcher(prefetchManyToMany)
