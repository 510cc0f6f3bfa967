/**
 * Hostile input for the query fuzzer: strings (quotes, backslashes, SQL, LIKE wildcards, emoji,
 * RTL, combining marks, lone surrogates, NUL), numbers (int64 edges and beyond, NaN, Infinity,
 * -0, bigints), arrays, objects, nested and prototype-shaped objects, and values each field type
 * should store exactly.
 *
 * @example
 * ```ts
 * const value = anyHostileValue(new Prng(7))
 * ```
 */
import type { ItemFieldName } from './fuzz-models.js'
import type { Prng } from './prng.js'

/** Pieces strings are built from. */
export const STRING_PIECES: readonly string[] = [
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  ';',
  '--',
  '/*',
  '*/',
  '%',
  '_',
  '*',
  '?',
  '[a-z]',
  '$1',
  '?1',
  ':name',
  '@p0',
  "' OR '1'='1",
  "'; DROP TABLE fuzz_canary; --",
  "'); DELETE FROM fuzz_item; --",
  '" OR ""="',
  "1; UPDATE fuzz_canary SET secret = 'x'",
  "' UNION SELECT secret FROM fuzz_canary_users --",
  '😀',
  '👩‍👩‍👧',
  '\u202Eevil',
  'مرحبا',
  'שלום',
  'e\u0301',
  'Z\u0351\u0352\u0353',
  '\uFEFF',
  '\u2028',
  '漢字',
  '\t\n\r',
  '\u001b[31m',
  'NULL',
  'null',
  'true',
  '0x1F',
  '1e400',
  ' ',
  'x'.repeat(64),
]

/** Pieces that a text value cannot keep on some backend (the engine must refuse them). */
export const UNSTORABLE_PIECES: readonly string[] = ['\u0000', '\ud800', '\udfff', 'a\ud83d']

/** A hostile string; `storable: false` may mix in NUL and lone surrogates. */
export function hostileString(
  rng: Prng,
  { storable, maxPieces = 4 }: { storable: boolean; maxPieces?: number },
): string {
  const parts: string[] = []
  const count = rng.int(0, maxPieces)
  for (let i = 0; i < count; i++) {
    if (!storable && rng.chance(0.25)) parts.push(rng.pick(UNSTORABLE_PIECES))
    else if (rng.chance(0.8)) parts.push(rng.pick(STRING_PIECES))
    else parts.push(String.fromCharCode(rng.int(32, 126)))
  }
  return parts.join('')
}

/** Whether a string is a well-formed, NUL-free text value every backend can store. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value)
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  2 ** 63,
  2 ** 64,
  1e308,
  -1e308,
  5e-324,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0.1,
  1.5,
  -2.75,
]

const BIGINTS: readonly bigint[] = [
  1n,
  -1n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  -(2n ** 63n),
  2n ** 64n,
  10n ** 30n,
]

/** A hostile number (or bigint). */
export function hostileNumber(rng: Prng): number | bigint {
  if (rng.chance(0.2)) return rng.pick(BIGINTS)
  if (rng.chance(0.7)) return rng.pick(NUMBERS)
  return (rng.next() - 0.5) * 10 ** rng.int(0, 20)
}

/** An object with a prototype-shaped own key (made by JSON.parse, as a request body would be). */
export function prototypeObject(rng: Prng): Record<string, unknown> {
  return rng.pick([
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    () => ({ toString: 'not a function', valueOf: 42 }),
    () => ({ prototype: null, hasOwnProperty: 'x' }),
    () => JSON.parse('{"a": {"__proto__": [1, 2]}}'),
  ])()
}

/** Any hostile value: string, number, bigint, boolean, null, undefined, Date, array, object, nested. */
export function anyHostileValue(rng: Prng, depth = 0): unknown {
  const kind = rng.int(0, 11)
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return hostileString(rng, { storable: false })
    case 3:
    case 4:
      return hostileNumber(rng)
    case 5:
      return rng.pick([null, undefined, true, false])
    case 6:
      return rng.pick([new Date(Number.NaN), new Date(0), new Date(8.64e15), new Date(-8.64e15)])
    case 7:
      return depth > 2 ? [] : Array.from({ length: rng.int(0, 3) }, () => anyHostileValue(rng, depth + 1))
    case 8:
      return prototypeObject(rng)
    case 9:
      return depth > 2
        ? {}
        : Object.fromEntries(
            Array.from({ length: rng.int(0, 3) }, () => [
              hostileString(rng, { storable: true, maxPieces: 2 }),
              anyHostileValue(rng, depth + 1),
            ]),
          )
    case 10:
      return rng.pick(['1', '-1', ' 7 ', '1e3', '0x10', '1;DROP', 't', 'f', '2020-01-01', '2020-13-45T99:99'])
    default:
      return rng.int(-1000, 1000)
  }
}

/** A JSON value (as a JSONField holds) with hostile strings and keys; `storable: false` may hold NUL / lone surrogates. */
export function jsonValue(rng: Prng, storable: boolean, depth = 0): unknown {
  const kind = rng.int(0, depth > 2 ? 3 : 5)
  switch (kind) {
    case 0:
      return hostileString(rng, { storable })
    case 1:
      return rng.pick([0, 1, -1, 2 ** 53 - 1, -(2 ** 31), 0.5, 1e300, -2.25])
    case 2:
      return rng.pick([true, false, null])
    case 3:
      return rng.int(-100, 100)
    case 4:
      return Array.from({ length: rng.int(0, 3) }, () => jsonValue(rng, storable, depth + 1))
    default: {
      const object: Record<string, unknown> = {}
      for (let i = rng.int(0, 3); i > 0; i--) {
        const key = rng.chance(0.15)
          ? rng.pick(['__proto__', 'constructor', 'prototype', 'toString'])
          : hostileString(rng, { storable, maxPieces: 2 })
        Object.defineProperty(object, key, {
          value: jsonValue(rng, storable, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        })
      }
      return object
    }
  }
}

/**
 * A value for `field` that may or may not be storable: mostly values the field should keep exactly,
 * sometimes values at or past its limits (NUL, lone surrogates, out-of-range numbers, bigints).
 */
export function fieldValue(rng: Prng, field: Exclude<ItemFieldName, 'owner'>): unknown {
  const edgy = rng.chance(0.25)
  switch (field) {
    case 'char':
      return hostileString(rng, { storable: !edgy, maxPieces: 3 }).slice(0, 200)
    case 'text':
      return hostileString(rng, { storable: !edgy, maxPieces: 12 })
    case 'int':
      return edgy ? hostileNumber(rng) : rng.pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), rng.int(-(2 ** 31), 2 ** 31 - 1)])
    case 'big':
      return edgy
        ? hostileNumber(rng)
        : rng.pick([0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, rng.int(-(2 ** 40), 2 ** 40)])
    case 'flt':
      return edgy ? hostileNumber(rng) : rng.pick([0, -0, 1e308, -1e308, 5e-324, 0.1, (rng.next() - 0.5) * 1e6])
    case 'dec': {
      if (edgy) return rng.pick(['1e400', 'abc', '12345678901234567890.123', '0.0000001', Number.NaN, '-0', ' 1.5 '])
      const whole = String(rng.int(0, 10 ** 8)) + String(rng.int(0, 10 ** 6))
      return `${rng.chance(0.3) ? '-' : ''}${whole.replace(/^0+(?=\d)/, '')}.${String(rng.int(0, 999_999)).padStart(6, '0')}`
    }
    case 'flag':
      return edgy ? rng.pick(['yes', 2, 't', 0, 'false']) : rng.chance(0.5)
    case 'at':
      return edgy
        ? rng.pick([new Date(Number.NaN), new Date(8.64e15), '2020-02-30T00:00:00Z', 'yesterday'])
        : new Date(
            Date.UTC(
              rng.int(1900, 2200),
              rng.int(0, 11),
              rng.int(1, 28),
              rng.int(0, 23),
              rng.int(0, 59),
              rng.int(0, 59),
              rng.int(0, 999),
            ),
          )
    case 'data':
      return jsonValue(rng, !edgy)
  }
}
