/**
 * Query fuzzing on every backend (PostgreSQL, SQLite, libsql): generated filter keys and values
 * from a seeded PRNG (the seed is printed; `DORM_FUZZ_SEED=<seed>` replays a run) against a model
 * with one field of each kind. Guarantees, each asserted and counted per outcome class:
 * - no injection: planted canary tables keep their tables and rows after every batch, fuzz_item
 *   keeps exactly the rows written, and an exact filter finds exactly the rows holding the value;
 * - a bad key raises FieldError naming the key, never a driver error;
 * - a bad value raises an engine error (FieldError, ValidationError, DataError, the fields'
 *   TypeError) before the driver, or runs; the one exception is a regex the database itself
 *   compiles (`__regex`), whose error comes back wrapped in an engine class;
 * - a value the field accepts round-trips exactly (read back equal, and an exact filter finds the
 *   row); a value a backend cannot keep (NUL, lone surrogates) is refused by the engine first.
 */
import { closeAll, configure, FieldError } from '@dorm/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { freshPgDatabase, freshSqliteFile } from '../../support/services.js'
import { plantCanaries } from './support/canary-tables.js'
import { createFuzzTables, Item, type ItemFieldName, Owner } from './support/fuzz-models.js'
import { hostileKey, validKey } from './support/hostile-keys.js'
import { anyHostileValue, fieldValue, hostileString, isStorableText } from './support/hostile-values.js'
import { isEngineRejection, outcomeOf, show, Tally } from './support/outcomes.js'
import { fuzzSeed, Prng } from './support/prng.js'
import { sameStoredValue } from './support/round-trip.js'

const iterations = pick({ short: 1_000, full: 10_000 })
const batch = 100
const seed = fuzzSeed()
const backends = ['postgres', 'sqlite', 'libsql'] as const
type Backend = (typeof backends)[number]
type StoredField = Exclude<ItemFieldName, 'owner'>
const storedFields: readonly StoredField[] = ['char', 'text', 'int', 'big', 'flt', 'dec', 'flag', 'at', 'data']

/** Whether a value holds text some backend cannot keep (NUL or a lone surrogate), at any depth. */
function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return !isStorableText(value)
  if (Array.isArray(value)) return value.some(holdsUnstorableText)
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value).some(([key, item]) => !isStorableText(key) || holdsUnstorableText(item))
  }
  return false
}

beforeAll(async () => {
  const sqliteFile = freshSqliteFile('query_fuzz_sqlite')
  const libsqlFile = freshSqliteFile('query_fuzz_libsql')
  configure({
    DATABASES: {
      postgres: await freshPgDatabase('query_fuzz'),
      sqlite: `sqlite:///${sqliteFile}`,
      libsql: `libsql:///${libsqlFile}`,
    },
    RETRY_ATTEMPTS: 1,
    SLOW_QUERY_MS: null,
    // three unrelated databases, not replicas: reads must not follow the last write to another alias
    READ_AFTER_WRITE_WINDOW: 0,
  })
  console.log(`query fuzz seed: ${seed} (replay with DORM_FUZZ_SEED=${seed})`)
})

afterAll(() => closeAll())

describe.each(backends)('query fuzzing on %s', (alias: Backend) => {
  it(`${iterations} generated keys and values: no injection, clear errors, exact round-trips`, {
    timeout: 900_000,
  }, async () => {
    await createFuzzTables(alias)
    const canaries = await plantCanaries(alias)
    const rng = new Prng(seed)
    const owners = [
      await Owner.objects.using(alias).create({ name: "O'Brien" }),
      await Owner.objects.using(alias).create({ name: '"; DROP TABLE fuzz_owner; --' }),
    ]
    const items = Item.objects.using(alias)
    const mirror = new Map<number, Record<string, unknown>>()
    const keys = new Tally()
    const values = new Tally()
    const writes = new Tally()
    const failures: string[] = []
    const fail = (what: string) => {
      if (failures.length < 200) failures.push(what)
    }
    let canaryChecks = 0
    let exactCountChecks = 0
    let unstorableRefused = 0

    const checkCanaries = async (after: number) => {
      canaryChecks++
      const problems = await canaries.check(mirror.size)
      if (problems.length > 0) fail(`after ${after} inputs: ${problems.join('; ')}`)
      expect(problems).toEqual([])
    }
    const examples = new Map<string, string>()
    const example = (outcome: string, text: string) => {
      if (!examples.has(outcome)) examples.set(outcome, text)
    }

    for (let i = 1; i <= iterations; i++) {
      if (i > 1 && (i - 1) % batch === 0) await checkCanaries(i - 1)
      const roll = rng.next()
      if (roll < 0.4) {
        // a hostile key: FieldError naming the key, whatever the value
        const key = hostileKey(rng)
        const value = anyHostileValue(rng)
        try {
          await items.filter({ [key]: value } as never).count()
          keys.add('accepted')
          fail(`key ${show(key)} was accepted`)
        } catch (err) {
          const outcome = outcomeOf(err)
          keys.add(outcome)
          example(`key ${outcome}`, `${show(key)}: ${(err as Error).message}`)
          if (!(err instanceof FieldError) || !err.message.includes(`'${key}'`)) {
            fail(`key ${show(key)} = ${show(value)}: ${outcome}: ${(err as Error).message}`)
          }
        }
      } else if (roll < 0.75) {
        // a valid key with a hostile value
        // a third of them: an exact text filter, often with a value some rows hold, counted against the rows
        const exactText = rng.chance(0.3)
        const key = exactText ? rng.pick(['char', 'text', 'char__exact', 'text__exact']) : validKey(rng)
        const held = [...mirror.values()]
          .map((row) => row[key.replace(/__exact$/, '')])
          .filter((v) => typeof v === 'string')
        const value = exactText
          ? held.length > 0 && rng.chance(0.5)
            ? rng.pick(held)
            : hostileString(rng, { storable: rng.chance(0.8) })
          : rng.chance(0.3) && /__(in|range)$/.test(key)
            ? [anyHostileValue(rng), anyHostileValue(rng)]
            : anyHostileValue(rng)
        try {
          const found = await items.filter({ [key]: value } as never).count()
          values.add('ok')
          const field = key.replace(/__exact$/, '')
          if ((field === 'char' || field === 'text') && typeof value === 'string') {
            exactCountChecks++
            const expected = [...mirror.values()].filter((row) => row[field] === value).length
            if (found !== expected) {
              const rows = await items.filter({ [key]: value } as never).values('id', field)
              fail(
                `${key} = ${show(value)} counted ${found} rows, ${expected} hold it; matched: ${show(rows)}, mirror: ${show(rows.map((row) => mirror.get(Number(row.id))))}`,
              )
            }
          }
        } catch (err) {
          const outcome = outcomeOf(err)
          values.add(outcome)
          example(`value ${outcome}`, `${key} = ${show(value)}: ${(err as Error).message}`)
          const regex = /regex$/.test(key)
          if (outcome.startsWith('raw:') || (outcome.startsWith('driver:') && !regex)) {
            fail(`${key} = ${show(value)}: ${outcome}: ${(err as Error).message}`)
          }
        }
      } else {
        // a write: a value the field accepts comes back exactly; one it cannot keep is refused first
        const field = rng.pick(storedFields)
        const value = fieldValue(rng, field)
        const owner = rng.chance(0.5) ? rng.pick(owners) : null
        let id: number
        try {
          const created = await items.create({ [field]: value, owner } as never)
          id = Number((created as unknown as { pk: number }).pk)
        } catch (err) {
          const outcome = outcomeOf(err)
          writes.add(`rejected:${outcome}`)
          if (holdsUnstorableText(value)) unstorableRefused++
          example(`write ${outcome}`, `${field} = ${show(value)}: ${(err as Error).message}`)
          // every value a backend cannot keep (NUL, lone surrogates, out of range, too many digits) is refused first
          if (!isEngineRejection(outcome)) {
            fail(`create ${field} = ${show(value)} reached the database: ${outcome}: ${(err as Error).message}`)
          }
          continue
        }
        mirror.set(id, {})
        try {
          const read = (await items.get({ pk: id } as never)) as unknown as Record<string, unknown>
          mirror.set(id, { char: read.char, text: read.text })
          if (!sameStoredValue(field, read[field], value)) {
            writes.add('mismatch')
            fail(`${field} = ${show(value)} was stored, read back as ${show(read[field])}`)
            continue
          }
          if (field === 'dec' && sameStoredValue('dec', read[field], value) && read[field] !== value) {
            // rounded to the column's decimal places: a filter by the unrounded value rightly misses it
            writes.add('exact-after-rounding')
            continue
          }
          const matched = await items.filter({ [field]: value, pk: id } as never).count()
          if (matched !== 1) {
            writes.add('filter-miss')
            fail(`${field} = ${show(value)} was stored, but filter({ ${field}: value }) does not find it`)
            continue
          }
          writes.add('exact')
        } catch (err) {
          writes.add(`unreadable:${outcomeOf(err)}`)
          fail(`${field} = ${show(value)} was stored, then reading it failed: ${(err as Error).message}`)
        }
      }
    }
    await checkCanaries(iterations)
    const summary = {
      backend: alias,
      seed,
      inputs: iterations,
      hostileKeys: keys.total(),
      hostileKeyOutcomes: keys.counts,
      hostileValues: values.total(),
      hostileValueOutcomes: values.counts,
      writes: writes.total(),
      writeOutcomes: writes.counts,
      canaryChecks,
      exactCountChecks,
      unstorableTextRefusedBeforeDriver: unstorableRefused,
      injections: 0,
      failures: failures.length,
    }
    await recordOutput(
      `query-fuzz-${alias}`,
      [
        `seed ${seed}`,
        JSON.stringify(summary, null, 2),
        'first example of each outcome:',
        ...[...examples].map(([outcome, text]) => `  ${outcome}: ${text}`),
        ...failures,
      ].join('\n'),
    )
    await recordFigures(`query-fuzz-${alias}`, summary)
    expect(failures).toEqual([])
  })
})
