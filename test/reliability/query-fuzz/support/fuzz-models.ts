/**
 * The models the query fuzzer hits: `fuzz.Owner` and `fuzz.Item` with one field of each kind, and
 * their tables created on an alias with the engine's own CREATE TABLE statements.
 *
 * @example
 * ```ts
 * await createFuzzTables('pg')
 * await Item.objects.using('pg').create({ char: "it's" })
 * ```
 */
import {
  BigIntegerField,
  BooleanField,
  CharField,
  createModelSql,
  DateTimeField,
  DecimalField,
  defineModel,
  FloatField,
  ForeignKey,
  getConnection,
  IntegerField,
  JSONField,
  TextField,
} from '@dorm/engine'

export const Owner = defineModel('fuzz.Owner', { fields: { name: new CharField({ maxLength: 100 }) } })

export const Item = defineModel('fuzz.Item', {
  fields: {
    char: new CharField({ maxLength: 200, null: true }),
    text: new TextField({ null: true }),
    int: new IntegerField({ null: true }),
    big: new BigIntegerField({ null: true }),
    flt: new FloatField({ null: true }),
    dec: new DecimalField({ maxDigits: 20, decimalPlaces: 6, null: true }),
    flag: new BooleanField({ null: true }),
    at: new DateTimeField({ null: true }),
    data: new JSONField({ null: true }),
    owner: new ForeignKey(() => Owner, { onDelete: 'SET_NULL', null: true, relatedName: 'items' }),
  },
})

/** The fuzzed fields of Item, by name. */
export const itemFields = ['char', 'text', 'int', 'big', 'flt', 'dec', 'flag', 'at', 'data', 'owner'] as const
export type ItemFieldName = (typeof itemFields)[number]

/** Creates the fuzz tables on `alias` (dropping old ones). */
export async function createFuzzTables(alias: string): Promise<void> {
  const connection = getConnection(alias)
  const dialect = { vendor: connection.vendor, quote: (name: string) => `"${name.replaceAll('"', '""')}"` }
  await connection.execute('DROP TABLE IF EXISTS "fuzz_item"')
  await connection.execute('DROP TABLE IF EXISTS "fuzz_owner"')
  for (const model of [Owner, Item]) {
    for (const sql of createModelSql(model, dialect as unknown as Parameters<typeof createModelSql>[1])) {
      await connection.execute(sql)
    }
  }
}
