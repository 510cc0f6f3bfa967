/**
 * getOrCreate / updateOrCreate: read, then write only when needed, safe against a concurrent
 * request doing the same.
 */
import { atomic } from '../db/transaction.js'
import { IntegrityError } from '../errors.js'
import type { FieldMap, FilterOf, InitOf } from '../models/model-types.js'
import { Expression } from './expressions.js'
import type { QuerySet } from './queryset.js'

/** `getOrCreate` lookups that are plain field values (no `__lookup`) seed the new row. */
function plainLookups(lookup: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(lookup)) {
    if (key.includes('__')) {
      if (key.endsWith('__exact')) out[key.slice(0, -7)] = value
      continue
    }
    if (value instanceof Expression) continue
    out[key] = value
  }
  return out
}

/**
 * The row matching `lookup`, or a new one made from `lookup` + `defaults`. The insert runs in a
 * savepoint: when a concurrent request wins the race, its unique violation is caught and the
 * winner's row returned.
 *
 * @example
 * ```ts
 * const [tag, created] = await getOrCreate(Tag.objects.all(), { name: 'sf' })
 * ```
 */
export async function getOrCreate<I, F extends FieldMap, R>(
  base: QuerySet<I, F, R>,
  lookup: FilterOf<F>,
  defaults: Partial<InitOf<F>>,
): Promise<[I, boolean]> {
  const qs = base.state.alias ? base : base.using(base.writeAlias())
  const found = (await qs.filter(lookup).limit(2)) as unknown as I[]
  if (found.length === 1) return [found[0] as I, false]
  if (found.length > 1) return [(await qs.get(lookup)) as unknown as I, false]
  const init = { ...plainLookups(lookup), ...defaults } as InitOf<F>
  try {
    const created = await atomic(() => qs.create(init), { using: qs.writeAlias() })
    return [created, true]
  } catch (err) {
    if (!(err instanceof IntegrityError)) throw err
    // another request created it between our read and our insert
    const existing = await qs.getOrNone(lookup)
    if (existing === null) throw err
    return [existing as unknown as I, false]
  }
}

/**
 * Locks the row matching `lookup` and updates it with `defaults`, or creates it; in one transaction.
 *
 * @example
 * ```ts
 * const [settings, created] = await updateOrCreate(Settings.objects.all(), { user: ann }, { theme: 'dark' })
 * ```
 */
export async function updateOrCreate<I, F extends FieldMap, R>(
  base: QuerySet<I, F, R>,
  lookup: FilterOf<F>,
  defaults: Partial<InitOf<F>>,
): Promise<[I, boolean]> {
  const alias = base.state.alias ?? base.writeAlias()
  return atomic(
    async () => {
      const qs = base.using(alias)
      const locked = (await qs.filter(lookup).selectForUpdate().limit(2)) as unknown as Array<Record<string, unknown>>
      if (locked.length > 1) await qs.get(lookup)
      const existing = locked[0]
      if (existing !== undefined) {
        Object.assign(existing, defaults)
        await (existing as unknown as { save(o: object): Promise<void> }).save({ using: alias })
        return [existing as unknown as I, false] as [I, boolean]
      }
      const [created] = await getOrCreate(qs, lookup, defaults)
      return [created, true] as [I, boolean]
    },
    { using: alias },
  )
}
