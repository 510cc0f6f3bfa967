/**
 * Bulk and conditional writes: bulkCreate (batches, ids from RETURNING, ignoreConflicts, all or
 * nothing), bulkUpdate, getOrCreate / updateOrCreate, and the getOrCreate race on PostgreSQL (two
 * transactions, a unique field: one row, both callers get it).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { atomic, FieldError, IntegrityError, type PreQueryPayload, preQuery } from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Counter, Item } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { waitFor, withAdmin } from '../../support/pg-admin.js'

describe.each(testBackends())('bulk and conditional writes on %s', (backend: TestBackend) => {
  const pg = backend === 'postgres'
  let url = ''
  let statements: string[] = []
  const record = (payload: PreQueryPayload) => {
    statements.push(payload.sql)
  }

  beforeAll(async () => {
    url = await setupOrmDatabase(backend, 'conf_writes', CONF_MODELS)
  })
  afterAll(teardownOrm)
  beforeEach(async () => {
    await truncate(CONF_MODELS)
    statements = []
    preQuery.connect(record, { dispatchUid: 'conf-writes' })
  })
  afterEach(() => {
    preQuery.disconnect(undefined, { dispatchUid: 'conf-writes' })
  })

  const inserts = () => statements.filter((s) => s.startsWith('INSERT'))

  it('bulkCreate inserts in batches of batchSize and sets every id from RETURNING', async () => {
    const objects = Array.from({ length: 25 }, (_, i) => ({ sku: `sku-${i}`, qty: i }))
    const created = await Item.objects.bulkCreate(objects, { batchSize: 10 })
    expect(inserts()).toHaveLength(3)
    expect(inserts()[0]).toMatch(
      pg
        ? /^INSERT INTO "conf_item" \("sku", "label", "qty", "price"\) VALUES \(\$1, \$2, \$3, \$4\), .* RETURNING "id"$/
        : /^INSERT INTO "conf_item" \("sku", "label", "qty", "price"\) VALUES \(\?, \?, \?, \?\), .* RETURNING "id"$/,
    )
    expect(inserts()[2]?.match(/\),? ?\(/g)?.length).toBe(4)
    expect(created).toHaveLength(25)
    const ids = created.map((c) => c.id)
    expect(ids.every((id) => typeof id === 'number')).toBe(true)
    expect(new Set(ids).size).toBe(25)
    // each id is the row of that object (RETURNING in VALUES order)
    const bySku = await Item.objects.inBulk(
      created.map((c) => c.sku),
      { fieldName: 'sku' },
    )
    for (const item of created) expect(bySku.get(item.sku)?.id).toBe(item.id)
    expect(await Item.objects.count()).toBe(25)
    // the instances are saved: save() updates rather than inserting again
    const first = created[0] as (typeof created)[number]
    first.qty = 1000
    await first.save()
    expect(await Item.objects.count()).toBe(25)
    expect((await Item.objects.get({ sku: 'sku-0' })).qty).toBe(1000)
  })

  it('bulkCreate takes instances and plain objects, and nothing at all', async () => {
    const made = await Item.objects.bulkCreate([new Item({ sku: 'inst', qty: 1 }), { sku: 'plain', qty: 2 }])
    expect(made[0]).toBeInstanceOf(Item)
    expect(made.map((m) => [m.sku, typeof m.id])).toEqual([
      ['inst', 'number'],
      ['plain', 'number'],
    ])
    statements = []
    expect(await Item.objects.bulkCreate([])).toEqual([])
    expect(statements).toEqual([])
    await expect(Item.objects.bulkCreate([{ sku: 'x' }], { batchSize: 0 })).rejects.toThrow(FieldError)
  })

  it('bulkCreate with ignoreConflicts skips rows that violate a unique constraint', async () => {
    await Item.objects.create({ sku: 'dup', label: 'original' })
    const made = await Item.objects.bulkCreate(
      [
        { sku: 'dup', label: 'ignored' },
        { sku: 'new', label: 'kept' },
      ],
      { ignoreConflicts: true },
    )
    const sql = inserts().at(-1) as string
    expect(sql).toMatch(pg ? / ON CONFLICT DO NOTHING$/ : /^INSERT OR IGNORE INTO "conf_item"/)
    expect(sql).not.toContain('RETURNING')
    expect(made).toHaveLength(2)
    expect(await Item.objects.orderBy('sku').valuesList('sku', 'label')).toEqual([
      ['dup', 'original'],
      ['new', 'kept'],
    ])
  })

  it('bulkCreate is all or nothing across batches', async () => {
    await Item.objects.create({ sku: 'sku-25' })
    const objects = Array.from({ length: 30 }, (_, i) => ({ sku: `sku-${i}` }))
    await expect(Item.objects.bulkCreate(objects, { batchSize: 10 })).rejects.toBeInstanceOf(IntegrityError)
    expect(await Item.objects.count()).toBe(1)
    // inside a caller's transaction it does not end that transaction
    await atomic(async () => {
      await Item.objects.create({ sku: 'in-tx' })
      await expect(Item.objects.bulkCreate(objects, { batchSize: 10 })).rejects.toBeInstanceOf(IntegrityError)
      expect(await Item.objects.count()).toBe(2)
    })
    expect(await Item.objects.count()).toBe(2)
  })

  it('bulkUpdate writes the named fields of many rows with one statement per batch (VALUES join on PG, CASE elsewhere)', async () => {
    const items = await Item.objects.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ sku: `u${i}`, qty: i })))
    for (const item of items) {
      item.qty += 100
      item.label = `label-${item.sku}`
      item.price = 9.5 // not listed: stays
    }
    statements = []
    const n = await Item.objects.bulkUpdate(items, ['qty', 'label'], { batchSize: 2 })
    expect(n).toBe(5)
    const updates = statements.filter((s) => s.startsWith('UPDATE'))
    expect(updates).toHaveLength(3)
    if (pg) {
      expect(updates[0]).toBe(
        'UPDATE "conf_item" SET "qty" = "v"."c1", "label" = "v"."c2" FROM (VALUES ($1::bigint, $2::integer, ' +
          '$3::varchar(100)), ($4, $5, $6)) AS "v" ("c0", "c1", "c2") WHERE "conf_item"."id" = "v"."c0"',
      )
    } else {
      expect(updates[0]).toContain('"qty" = CASE WHEN "id" = ? THEN ? WHEN "id" = ? THEN ? ELSE "qty" END')
      expect(updates[0]).toMatch(/ WHERE "id" IN \(\?, \?\)$/)
    }
    const rows = await Item.objects.orderBy('sku').valuesList('sku', 'qty', 'label', 'price')
    expect(rows).toEqual(items.map((_, i) => [`u${i}`, 100 + i, `label-u${i}`, 0]))
    await expect(Item.objects.bulkUpdate([new Item({ sku: 'unsaved' })], ['qty'])).rejects.toThrow(FieldError)
    await expect(Item.objects.bulkUpdate(items, ['nope' as 'qty'])).rejects.toThrow(/not an updatable field/)
    expect(await Item.objects.bulkUpdate([], ['qty'])).toBe(0)
  })

  it('bulkUpdate keeps the first values of a pk listed twice in one batch, and counts each row once', async () => {
    const [item] = await Item.objects.bulkCreate([{ sku: 'dup', qty: 1 }])
    const first = new Item({ id: item?.id, sku: 'dup', qty: 10 } as never)
    const second = new Item({ id: item?.id, sku: 'dup', qty: 20 } as never)
    expect(await Item.objects.bulkUpdate([first, second], ['qty'])).toBe(1)
    expect(await Item.objects.filter({ sku: 'dup' }).valuesList('qty', { flat: true })).toEqual([10])
  })

  it('getOrCreate gets, or creates with lookup + defaults', async () => {
    const [made, created] = await Counter.objects.getOrCreate({ name: 'hits' }, { value: 5 })
    expect(created).toBe(true)
    expect(made).toMatchObject({ name: 'hits', value: 5 })
    expect(typeof made.id).toBe('number')
    const [again, createdAgain] = await Counter.objects.getOrCreate({ name: 'hits' }, { value: 99 })
    expect(createdAgain).toBe(false)
    expect(again.id).toBe(made.id)
    expect(again.value).toBe(5)
    // __exact seeds the new row, other lookups do not
    const [exact] = await Counter.objects.getOrCreate({ name__exact: 'exact' } as never, { value: 1 })
    expect(exact).toMatchObject({ name: 'exact', value: 1 })
    await Counter.objects.create({ name: 'm1', note: 'same' })
    await Counter.objects.create({ name: 'm2', note: 'same' })
    await expect(Counter.objects.getOrCreate({ note: 'same' })).rejects.toBeInstanceOf(Counter.MultipleObjectsReturned)
  })

  it('updateOrCreate updates the match with the defaults, or creates it', async () => {
    const [made, created] = await Counter.objects.updateOrCreate({ name: 'u' }, { value: 1 })
    expect(created).toBe(true)
    expect(made.value).toBe(1)
    statements = []
    const [updated, createdAgain] = await Counter.objects.updateOrCreate({ name: 'u' }, { value: 2, note: 'n' })
    expect(createdAgain).toBe(false)
    expect(updated.id).toBe(made.id)
    // the row is locked while it is read and updated, in one transaction
    const select = statements.find((s) => s.startsWith('SELECT')) as string
    if (pg) expect(select).toMatch(/ FOR UPDATE$/)
    else expect(select).not.toContain('FOR UPDATE')
    expect(statements[0]).toMatch(/^BEGIN/)
    expect(statements.at(-1)).toBe('COMMIT')
    expect(await Counter.objects.get({ name: 'u' })).toMatchObject({ value: 2, note: 'n' })
  })

  it('concurrent getOrCreate calls, each in atomic(), create exactly one row', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        atomic(() => Counter.objects.getOrCreate({ name: 'race' }, { value: i + 1 })),
      ),
    )
    expect(await Counter.objects.filter({ name: 'race' }).count()).toBe(1)
    const row = await Counter.objects.get({ name: 'race' })
    expect(results.filter(([, created]) => created)).toHaveLength(1)
    for (const [instance] of results) expect(instance.id).toBe(row.id)
  })

  it.runIf(pg)('the losing transaction of a getOrCreate race picks up the winner row', async () => {
    let inserted!: () => void
    const didInsert = new Promise<void>((resolve) => {
      inserted = resolve
    })
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // the winner inserts and holds its transaction open
    const winner = atomic(async () => {
      const result = await Counter.objects.getOrCreate({ name: 'contested' }, { value: 1 })
      inserted()
      await gate
      return result
    })
    await didInsert
    // the loser reads before the winner commits (sees nothing), and its INSERT waits on the unique index
    const loser = atomic(() => Counter.objects.getOrCreate({ name: 'contested' }, { value: 2 }))
    const database = new URL(url).pathname.slice(1)
    await waitFor(() =>
      withAdmin(url, async (c) => {
        const r = await c.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "conf_counter"%'`,
          [database],
        )
        return r.rows[0].n === 1
      }),
    )
    release()
    const [[won, wonCreated], [lost, lostCreated]] = await Promise.all([winner, loser])
    expect(wonCreated).toBe(true)
    expect(lostCreated).toBe(false)
    expect(lost.id).toBe(won.id)
    expect(lost.value).toBe(1)
    expect(await Counter.objects.filter({ name: 'contested' }).count()).toBe(1)
  })
})
