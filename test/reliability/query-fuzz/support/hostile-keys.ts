/**
 * Filter keys for the query fuzzer: valid `field__lookup` paths of fuzz.Item, and hostile keys
 * (unknown fields and lookups, broken `__` paths, prototype names, SQL and unicode in keys) that
 * must each raise the engine's FieldError naming the key.
 *
 * @example
 * ```ts
 * const key = hostileKey(rng)        // e.g. `char" OR 1=1 --` or `owner__name__bogus`
 * VALID_KEYS.has(key)                // false
 * ```
 */
import { hostileString } from './hostile-values.js'
import type { Prng } from './prng.js'

const FIELDS = [
  'char',
  'text',
  'int',
  'big',
  'flt',
  'dec',
  'flag',
  'at',
  'data',
  'owner',
  'id',
  'pk',
  'ownerId',
] as const

/** Lookups every field accepts (the engine's list). */
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

const DATE_KEYS = ['at__date', 'at__year', 'at__month', 'at__day', 'at__year__gte', 'at__month__in', 'at__day__lt']
const RELATION_KEYS = [
  'owner__name',
  'owner__name__icontains',
  'owner__id',
  'owner__pk__in',
  'owner__isnull',
  'owner__items__char',
  'owner__items__int__gte',
]

/** Keys the fuzzer treats as valid (field, or field__lookup, or a known transform/relation path). */
export const VALID_KEYS: ReadonlySet<string> = new Set([
  ...FIELDS,
  ...FIELDS.flatMap((field) => LOOKUPS.map((lookup) => `${field}__${lookup}`)),
  ...DATE_KEYS,
  ...RELATION_KEYS,
])

/** A valid key and the field it filters (for choosing a value). */
export function validKey(rng: Prng): string {
  if (rng.chance(0.1)) return rng.pick(DATE_KEYS)
  if (rng.chance(0.1)) return rng.pick(RELATION_KEYS)
  const field = rng.pick(FIELDS.slice(0, 10))
  return rng.chance(0.2) ? field : `${field}__${rng.pick(LOOKUPS)}`
}

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '',
  '__',
  '____',
  'char__',
  '__char',
  'char____exact',
  'char__exact__exact',
  'char__nope',
  'int__icontains__gt',
  'owner__',
  'owner__nope',
  'owner__name__name',
  'owner__name__bogus',
  'owner__items__nope',
  'data__a',
  'data__a__b',
  'data____proto__',
  'at__hour',
  'at__year__nope',
  'pk__in__x',
  'id__constructor',
  'char__toString',
  'char__constructor',
  'char__prototype',
  'char__',
  'char" OR 1=1 --',
  "char'; DROP TABLE fuzz_canary; --",
  'char`; DELETE FROM fuzz_item',
  'char) OR (1=1',
  'fuzz_item.char',
  '"char"',
  '1=1',
  '*',
  'CHAR',
  'Char',
  'chär',
  'char\u0000',
  'char\ud800',
  '😀',
  '\u202Echar',
  'char ',
  ' char',
  'char\n',
]

/** A key that is not a valid filter of fuzz.Item. */
export function hostileKey(rng: Prng): string {
  for (;;) {
    const key = rng.chance(0.5)
      ? rng.pick(HOSTILE_KEYS)
      : rng.chance(0.5)
        ? `${rng.pick(FIELDS)}__${hostileString(rng, { storable: false, maxPieces: 2 })}`
        : hostileString(rng, { storable: false, maxPieces: 3 })
    if (!VALID_KEYS.has(key)) return key
  }
}
