/**
 * Bad input fails early and clearly: unknown fields and lookups are FieldErrors that list the valid
 * names (never SQL errors, never injected SQL), wrong value types are FieldErrors, get() raises
 * DoesNotExist / MultipleObjectsReturned, and the database's own refusals arrive as dorm errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Count,
  DatabaseError,
  DoesNotExist,
  DormError,
  F,
  FieldError,
  MultipleObjectsReturned,
  Q,
  Sum,
} from '../../../src/index.js'
import { type TestBackend, testBackends } from '../../support/backends.js'
import { CONF_MODELS, Title, Writer } from '../../support/conformance-models.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'

describe.each(testBackends())('bad input on %s', (backend: TestBackend) => {
  beforeAll(async () => {
    await setupOrmDatabase(backend, 'conf_bad', CONF_MODELS)
    await truncate(CONF_MODELS)
    const ann = await Writer.objects.create({ name: 'Ann', email: 'ann@x.org' })
    const bob = await Writer.objects.create({ name: 'Bob' })
    await Title.objects.create({ title: 'One', writer: ann, pages: 10 })
    await Title.objects.create({ title: 'Two', writer: ann, pages: 20 })
    await Title.objects.create({ title: 'Three', writer: bob, pages: 30 })
  })
  afterAll(teardownOrm)

  // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
  const untyped = (qs: unknown) => qs as any
  const sqlOf = (build: () => { toSQL(): unknown }) => () => build().toSQL()

  it('an unknown field is a FieldError listing the valid names', async () => {
    const build = () => Title.objects.filter({ titel: 'x' } as never)
    expect(sqlOf(build)).toThrow(FieldError)
    expect(sqlOf(build)).toThrow(
      "Cannot resolve keyword 'titel' into a field of conf.Title (in 'titel'). Choices are: editor, editorId, id, inPrint, minPages, pages, pk, publishedAt, rating, title, writer, writerId.",
    )
    await expect(build()).rejects.toThrow(FieldError)
    expect(sqlOf(() => Title.objects.exclude({ nope: 1 } as never))).toThrow(/Choices are: .*title/)
    // across relations, the names of the model where the path broke
    expect(sqlOf(() => Title.objects.filter({ writer__nmae: 'Ann' } as never))).toThrow(
      /'nmae' into a field of conf\.Writer .*Choices are: age, born, edited, email, id, name, pk, titles\./,
    )
    expect(sqlOf(() => Writer.objects.filter(Q({ titles__nope: 1 })))).toThrow(/conf\.Title.*Choices are:/)
    await expect(Title.objects.get({ nope: 1 } as never)).rejects.toThrow(FieldError)
    await expect(Title.objects.filter({ nope: 1 } as never).count()).rejects.toThrow(FieldError)
    await expect(Title.objects.filter({ nope: 1 } as never).update({ pages: 1 })).rejects.toThrow(FieldError)
  })

  it('an unknown lookup is a FieldError listing the lookups and transforms', () => {
    expect(sqlOf(() => Title.objects.filter({ title__contain: 'x' } as never))).toThrow(
      /Unsupported lookup 'contain' for CharField conf\.Title\.title .*Lookups: exact, iexact, contains, icontains, startswith, istartswith, endswith, iendswith, gt, gte, lt, lte, in, range, isnull, regex, iregex; transforms: date, year, month, day/,
    )
    expect(sqlOf(() => Title.objects.filter({ publishedAt__year__contains: 1 } as never))).toThrow(FieldError)
    expect(sqlOf(() => Title.objects.filter({ pages__gt__lt: 1 } as never))).toThrow(FieldError)
    expect(sqlOf(() => untyped(Title.objects).filter({ title__contains: F('title') }))).toThrow(
      /Lookup 'contains' in 'title__contains' does not take an F\(\) expression/,
    )
  })

  it('unknown names elsewhere in the API are FieldErrors too', async () => {
    expect(sqlOf(() => Title.objects.orderBy('nope' as never))).toThrow(/Choices are:/)
    expect(sqlOf(() => Title.objects.orderBy('-writer__nope' as never))).toThrow(FieldError)
    expect(sqlOf(() => Title.objects.orderBy('title__icontains' as never))).toThrow(/names a lookup, not a field/)
    expect(sqlOf(() => Title.objects.values('nope'))).toThrow(FieldError)
    expect(sqlOf(() => Title.objects.valuesList('nope', { flat: true }))).toThrow(FieldError)
    expect(sqlOf(() => Title.objects.only('nope' as never))).toThrow(/only\(\): conf\.Title has no field 'nope'/)
    expect(sqlOf(() => Title.objects.defer('nope' as never))).toThrow(/defer\(\): conf\.Title has no field 'nope'/)
    expect(sqlOf(() => Title.objects.selectRelated('nope'))).toThrow(/selectRelated\('nope'\).*Choices: writer, editor/)
    expect(sqlOf(() => Title.objects.filter({ pages__gt: F('nope') }))).toThrow(FieldError)
    expect(sqlOf(() => Writer.objects.annotate({ n: Count('nope') }))).toThrow(FieldError)
    expect(() => Writer.objects.annotate({ name: Count('titles') })).toThrow(/clashes with a field/)
    expect(() => Writer.objects.annotate({ n: 1 as never })).toThrow(/must be an expression/)
    await expect(Title.objects.aggregate({ s: Sum('nope') })).rejects.toThrow(FieldError)
    await expect(Title.objects.aggregate({})).rejects.toThrow(/at least one aggregate/)
    await expect(Title.objects.aggregate({ s: F('pages') as never })).rejects.toThrow(/is not an aggregate/)
    await expect(Title.objects.filter({ title: 'One' }).update({ nope: 1 } as never)).rejects.toThrow(
      /conf\.Title has no field 'nope' to write/,
    )
    await expect(Title.objects.filter({ title: 'One' }).update({})).rejects.toThrow(/at least one field/)
    await expect(Title.objects.create({ title: 'x', writerId: 1, nope: 1 } as never)).rejects.toThrow(
      /conf\.Title got an unknown field 'nope'/,
    )
    await expect(Writer.objects.inBulk([1], { fieldName: 'nope' })).rejects.toThrow(FieldError)
    expect(() => Title.objects.valuesList('title', 'pages', { flat: true } as never)).toThrow(/exactly one field/)
  })

  it('names that try to inject SQL are unknown fields, not SQL', async () => {
    const attempts = ["title\" = 'x' OR 1=1 --", 'title; DROP TABLE conf_title; --', '"conf_title"."title"', 'pk)--']
    for (const name of attempts) {
      expect(
        sqlOf(() => Title.objects.filter({ [name]: 'x' } as never)),
        name,
      ).toThrow(FieldError)
      expect(
        sqlOf(() => Title.objects.orderBy(name as never)),
        name,
      ).toThrow(FieldError)
      expect(
        sqlOf(() => Title.objects.values(name)),
        name,
      ).toThrow(FieldError)
      expect(
        sqlOf(() => Title.objects.filter({ pages: F(name) })),
        name,
      ).toThrow(FieldError)
    }
    expect(await Title.objects.count()).toBe(3)
  })

  it('values of the wrong type are FieldErrors before any SQL runs', async () => {
    expect(sqlOf(() => untyped(Title.objects).filter({ pages: 'abc' }))).toThrow(
      /Invalid value for conf\.Title\.pages: IntegerField expects an integer, got "abc"/,
    )
    expect(sqlOf(() => untyped(Title.objects).filter({ pages__in: 5 }))).toThrow(/takes an array/)
    expect(sqlOf(() => untyped(Title.objects).filter({ pages__range: [1] }))).toThrow(/takes \[low, high\]/)
    expect(sqlOf(() => untyped(Title.objects).filter({ rating__isnull: 'yes' }))).toThrow(/takes true or false/)
    expect(sqlOf(() => untyped(Title.objects).filter({ title__contains: 5 }))).toThrow(/takes a string/)
    expect(sqlOf(() => untyped(Title.objects).filter({ writer: 'abc' }))).toThrow(FieldError)
    expect(sqlOf(() => untyped(Title.objects).filter({ publishedAt: 'yesterday' }))).toThrow(FieldError)
    expect(sqlOf(() => untyped(Title.objects).filter({ publishedAt__year: 'abc' }))).toThrow(FieldError)
    expect(sqlOf(() => untyped(Title.objects).filter({ publishedAt__year__in: [2020, 'x'] }))).toThrow(FieldError)
    expect(sqlOf(() => untyped(Title.objects).filter({ publishedAt__date: 'not a date' }))).toThrow(FieldError)
    expect(sqlOf(() => untyped(Title.objects).filter({ publishedAt__date: '2021-02-30' }))).toThrow(FieldError)
    expect(() => Title.objects.limit(-1)).toThrow(FieldError)
    expect(() => Title.objects.offset(1.5)).toThrow(FieldError)
    await expect(untyped(Title.objects).filter({ pages: 'abc' }).count()).rejects.toThrow(FieldError)
  })

  it('get() raises DoesNotExist and MultipleObjectsReturned, as the model classes', async () => {
    const none = await Title.objects.get({ title: 'Nope' }).catch((e: unknown) => e)
    expect(none).toBeInstanceOf(Title.DoesNotExist)
    expect(none).toBeInstanceOf(DoesNotExist)
    expect(none).not.toBeInstanceOf(Writer.DoesNotExist)
    expect(none).toMatchObject({ code: 'DOES_NOT_EXIST' })
    expect((none as Error).message).toBe('conf.Title matching { title="Nope" } does not exist.')
    const two = await Title.objects.get({ writer__name: 'Ann' }).catch((e: unknown) => e)
    expect(two).toBeInstanceOf(Title.MultipleObjectsReturned)
    expect(two).toBeInstanceOf(MultipleObjectsReturned)
    expect((two as Error).message).toMatch(
      /get\(\) returned more than one conf\.Title matching \{ writer__name="Ann" \}/,
    )
    await expect(Title.objects.get()).rejects.toBeInstanceOf(MultipleObjectsReturned)
    await expect(Title.objects.filter({ pages__gt: 100 }).get()).rejects.toBeInstanceOf(DoesNotExist)
    expect((await Title.objects.get({ title: 'One' })).pages).toBe(10)
    expect(await Title.objects.getOrNone({ title: 'Nope' })).toBeNull()
    await expect(Title.objects.getOrNone({ pages__gte: 10 })).rejects.toBeInstanceOf(MultipleObjectsReturned)
    await expect(Title.objects.none().get()).rejects.toBeInstanceOf(DoesNotExist)
  })

  it('an invalid regular expression is a database error on every backend', async () => {
    const err = await Title.objects
      .filter({ title__regex: '(' })
      .count()
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DatabaseError)
    expect((err as DatabaseError).sql).toContain('conf_title')
    const insensitive = await Title.objects
      .filter({ title__iregex: '[' })
      .count()
      .catch((e: unknown) => e)
    expect(insensitive).toBeInstanceOf(DatabaseError)
    expect(await Title.objects.count()).toBe(3)
  })

  it('deleting an unsaved instance is a clear error', async () => {
    const unsaved = new Title({ title: 'x', writerId: 1 })
    await expect(unsaved.delete()).rejects.toThrow(DormError)
    await expect(unsaved.delete()).rejects.toMatchObject({ code: 'NOT_SAVED' })
  })
})
