import { beforeEach, describe, expect, it } from 'vitest'
import { MigrationError } from '../errors.js'
import { CheckConstraint, Index, UniqueConstraint } from '../models/constraints.js'
import { CharField, TextField } from '../models/fields/char-field.js'
import { DateTimeField } from '../models/fields/date-time-fields.js'
import { IntegerField } from '../models/fields/integer-field.js'
import { JSONField } from '../models/fields/json-field.js'
import { ManyToManyField } from '../models/fields/many-to-many-field.js'
import { ForeignKey } from '../models/fields/related-fields.js'
import { defineModel } from '../models/model.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { clearRegistry } from '../models/registry.js'
import { changeDependencies, type DetectOptions, detectChanges } from './autodetector.js'
import { deconstructField } from './field-deconstruction.js'
import { ProjectState } from './migration-state.js'
import { AddField, type AlterField } from './operations/field-operations.js'
import { CreateModel } from './operations/model-operations.js'
import type { Operation } from './operations/operation.js'

// a redefined model must not meet the stale classes of an earlier test in the registry
beforeEach(clearRegistry)

function apply(state: ProjectState, changes: ReadonlyMap<string, readonly Operation[]>): ProjectState {
  const next = state.clone()
  for (const [app, ops] of changes) for (const op of ops) op.stateForwards(app, next)
  return next
}

/** The state the migrations of `models` would end in. */
function stateOf(models: readonly ModelClassLike[]): ProjectState {
  return apply(new ProjectState(), detectChanges(new ProjectState(), models))
}

function described(changes: ReadonlyMap<string, readonly Operation[]>): Record<string, string[]> {
  return Object.fromEntries([...changes].map(([app, ops]) => [app, ops.map((op) => op.describe())]))
}

function detect(state: ProjectState, models: readonly ModelClassLike[], options: DetectOptions = {}) {
  return detectChanges(state, models, options)
}

function customer(fields: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) {
  return defineModel('mmdet.Customer', {
    fields: { name: new CharField({ maxLength: 100 }), ...fields } as Record<string, CharField>,
    meta,
  })
}

describe('detectChanges: new and deleted models', () => {
  it('creates models with every field, relation targets first, options only when set', () => {
    const Order = defineModel('mmdet.Order', {
      fields: {
        customer: new ForeignKey(() => Customer, { onDelete: 'CASCADE', relatedName: 'orders' }),
        tags: new ManyToManyField(() => Tag),
      },
      meta: { ordering: ['-id'], uniqueTogether: [['customer', 'id']] },
    })
    const Customer = customer({}, { dbTable: 'customers' })
    const Tag = defineModel('mmdet.Tag', { fields: { label: new CharField({ maxLength: 20 }) } })
    const Report = defineModel('mmdet.Report', {
      fields: { total: new IntegerField() },
      meta: { managed: false, dbTable: 'mmdet_report_view' },
    })
    const changes = detect(new ProjectState(), [Order, Customer, Tag, Report])
    const ops = changes.get('mmdet') as CreateModel[]
    expect(ops.map((op) => op.describe())).toEqual([
      'Create model Customer',
      'Create model Tag',
      'Create model Order',
      'Create model Report',
    ])
    expect(Object.keys(ops[0]?.fields ?? {})).toEqual(['id', 'name'])
    expect(deconstructField(ops[0]?.fields.id as never)).toEqual({
      kind: 'BigAutoField',
      options: { primaryKey: true },
    })
    expect(ops[0]?.options).toEqual({ dbTable: 'customers' })
    expect(ops[1]?.options).toEqual({})
    expect(ops[2]?.options).toEqual({ ordering: ['-id'], uniqueTogether: [['customer', 'id']] })
    expect(deconstructField(ops[2]?.fields.customer as never)).toEqual({
      kind: 'ForeignKey',
      target: 'mmdet.Customer',
      options: { onDelete: 'CASCADE', relatedName: 'orders' },
    })
    // the operation holds a copy pointing at a label, never the model's own field
    expect(ops[2]?.fields.customer).not.toBe(Order.meta.getField('customer'))
    expect(ops[3]?.options).toEqual({ dbTable: 'mmdet_report_view', managed: false })
  })

  it('finds nothing once the state holds the models', () => {
    const Customer = customer({ email: new CharField({ maxLength: 200, null: true }) })
    const Order = defineModel('mmdet.Order', {
      fields: { customer: new ForeignKey('mmdet.Customer', { onDelete: 'CASCADE' }) },
      meta: { indexes: [new Index({ fields: ['customer'], name: 'mmdet_order_customer_idx' })] },
    })
    expect(detect(stateOf([Customer, Order]), [Customer, Order]).size).toBe(0)
  })

  it('breaks a ForeignKey cycle by adding one relation after both models exist', () => {
    const Author: ModelClassLike = defineModel('mmdet.Author', {
      fields: { favourite: new ForeignKey(() => Book, { onDelete: 'SET_NULL', null: true, relatedName: 'fans' }) },
      meta: { indexes: [new Index({ fields: ['favourite'], name: 'mmdet_author_fav_idx' })] },
    })
    const Book: ModelClassLike = defineModel('mmdet.Book', {
      fields: { author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }) },
    })
    const changes = detect(new ProjectState(), [Author, Book])
    expect(described(changes)).toEqual({
      mmdet: [
        'Create model Author',
        'Create model Book',
        'Add field favourite to author',
        'Create index mmdet_author_fav_idx on favourite of author',
      ],
    })
    expect(Object.keys(((changes.get('mmdet') ?? [])[0] as CreateModel).fields)).toEqual(['id'])
    expect(detect(apply(new ProjectState(), changes), [Author, Book]).size).toBe(0)
  })

  it('deletes models that are gone, those pointing at others first', () => {
    const Customer = customer()
    const Order = defineModel('mmdet.Order', {
      fields: { customer: new ForeignKey(() => Customer, { onDelete: 'CASCADE' }) },
    })
    const Keep = defineModel('mmdet.Keep', { fields: { n: new IntegerField() } })
    const state = stateOf([Customer, Order, Keep])
    expect(described(detect(state, [Keep]))).toEqual({ mmdet: ['Delete model Order', 'Delete model Customer'] })
  })

  it('hints at a renamed model without guessing', () => {
    const state = stateOf([customer({ email: new CharField({ maxLength: 200 }) })])
    const Client = defineModel('mmdet.Client', {
      fields: { name: new CharField({ maxLength: 100 }), email: new CharField({ maxLength: 200 }) },
    })
    const warnings: string[] = []
    expect(described(detect(state, [Client], { warn: (m) => warnings.push(m) }))).toEqual({
      mmdet: ['Create model Client', 'Delete model Customer'],
    })
    expect(warnings).toEqual([
      expect.stringMatching(/^mmdet\.Customer is deleted and mmdet\.Client created with the same fields/),
    ])
  })

  it('refuses a relation to a model no installed app defines', () => {
    const Outside = defineModel('mmdetoutside.Thing', { fields: { n: new IntegerField() } })
    const Order = defineModel('mmdet.Order', {
      fields: { thing: new ForeignKey(() => Outside, { onDelete: 'CASCADE' }) },
    })
    expect(() => detect(new ProjectState(), [Order])).toThrow(MigrationError)
    expect(() => detect(new ProjectState(), [Order])).toThrow(/points at mmdetoutside\.Thing.*INSTALLED_APPS/)
  })
})

describe('detectChanges: fields', () => {
  it('adds, removes and alters fields, in that order', () => {
    const state = stateOf([customer({ nickname: new CharField({ maxLength: 20 }), age: new IntegerField() })])
    const now = customer({
      age: new IntegerField({ null: true }),
      email: new CharField({ maxLength: 200, null: true }),
    })
    const changes = detect(state, [now])
    expect(described(changes)).toEqual({
      mmdet: ['Remove field nickname from customer', 'Add field email to customer', 'Alter field age on customer'],
    })
    const alter = changes.get('mmdet')?.[2] as AlterField
    expect(deconstructField(alter.field)).toEqual({ kind: 'IntegerField', options: { null: true } })
  })

  it('alters a field for what the database sees: type, length, null, unique, index, column', () => {
    const base = stateOf([customer()])
    const cases: Record<string, unknown>[] = [
      { name: new CharField({ maxLength: 200 }) },
      { name: new TextField() },
      { name: new CharField({ maxLength: 100, null: true }) },
      { name: new CharField({ maxLength: 100, unique: true }) },
      { name: new CharField({ maxLength: 100, dbIndex: true }) },
      { name: new CharField({ maxLength: 100, dbColumn: 'full_name' }) },
    ]
    for (const fields of cases) {
      expect(described(detect(base, [customer(fields)]))).toEqual({ mmdet: ['Alter field name on customer'] })
    }
  })

  it('ignores options that leave the schema alone', () => {
    const state = stateOf([customer({ state: new CharField({ maxLength: 10, default: 'a' }) })])
    const now = customer({
      name: new CharField({
        maxLength: 100,
        helpText: 'shown in forms',
        editable: false,
        blank: true,
        validators: [(v: string) => (v === '' ? 'empty' : undefined)],
      }),
      state: new CharField({ maxLength: 10, default: () => 'b', choices: ['a', 'b'] }),
    })
    expect(detect(state, [now]).size).toBe(0)
  })

  it('compares ForeignKeys by target label, however the target is given', () => {
    const Customer = customer()
    const Other = defineModel('mmdet.Other', { fields: { n: new IntegerField() } })
    const byLabel = defineModel('mmdet.Order', {
      fields: { customer: new ForeignKey('mmdet.Customer', { onDelete: 'CASCADE' }) },
    })
    const state = stateOf([Customer, Other, byLabel])
    const byThunk = defineModel('mmdet.Order', {
      fields: { customer: new ForeignKey(() => Customer, { onDelete: 'PROTECT', relatedName: 'orders' }) },
    })
    expect(detect(state, [Customer, Other, byThunk]).size).toBe(0)
    const retargeted = defineModel('mmdet.Order', {
      fields: { customer: new ForeignKey(() => Other, { onDelete: 'CASCADE' }) },
    })
    expect(described(detect(state, [Customer, Other, retargeted]))).toEqual({
      mmdet: ['Alter field customer on order'],
    })
  })

  it('turns a column into a many-to-many field by dropping one and adding the other', () => {
    const Tag = defineModel('mmdet.Tag', { fields: { label: new CharField({ maxLength: 20 }) } })
    const before = defineModel('mmdet.Post', { fields: { tag: new ForeignKey(() => Tag, { onDelete: 'CASCADE' }) } })
    const state = stateOf([Tag, before])
    const after = defineModel('mmdet.Post', { fields: { tag: new ManyToManyField(() => Tag) } })
    const warnings: string[] = []
    expect(described(detect(state, [Tag, after], { warn: (m) => warnings.push(m) }))).toEqual({
      mmdet: ['Remove field tag from post', 'Add field tag to post'],
    })
    expect(warnings).toEqual(['mmdet.Post.tag: changing to or from a many-to-many field drops the old data.'])
  })

  it('warns about a NOT NULL field added without a default (autoNow fields fill themselves)', () => {
    const state = stateOf([customer()])
    const warnings: string[] = []
    const now = customer({
      code: new CharField({ maxLength: 5 }),
      createdAt: new DateTimeField({ autoNowAdd: true }),
      level: new IntegerField({ default: 1 }),
      memo: new TextField({ null: true }),
    })
    detect(state, [now], { warn: (m) => warnings.push(m) })
    expect(warnings).toEqual([expect.stringMatching(/^mmdet\.Customer\.code is added NOT NULL without a default/)])
  })

  it('gives a new non-null field with a function default the value it returns now', () => {
    const state = stateOf([customer()])
    const now = customer({
      joinedAt: new DateTimeField({ default: () => new Date('2024-05-01T00:00:00Z') }),
      prefs: new JSONField({ default: () => ({ a: 1 }) }),
      seen: new DateTimeField({ null: true, default: () => new Date() }),
    })
    const ops = detect(state, [now]).get('mmdet') as AddField[]
    expect(ops.map((op) => deconstructField(op.field).options)).toEqual([
      { default: new Date('2024-05-01T00:00:00Z') },
      { default: { a: 1 } },
      { null: true },
    ])
  })

  it('renames a field only when told, and alters it too when it also changed', () => {
    const state = stateOf([customer({ total: new IntegerField() })])
    const now = customer({ amount: new IntegerField({ null: true }) })
    expect(described(detect(state, [now]))).toEqual({
      mmdet: ['Remove field total from customer', 'Add field amount to customer'],
    })
    const warnings: string[] = []
    detect(state, [customer({ amount: new IntegerField() })], { warn: (m) => warnings.push(m) })
    expect(warnings[0]).toBe(
      "mmdet.Customer: 'total' is removed and 'amount' added with the same definition. If it is a rename, run " +
        'makemigrations --rename mmdet.Customer.total:amount (a removal drops the column and its data).',
    )
    const renames = [{ app: 'mmdet', model: 'Customer', from: 'total', to: 'amount' }]
    const changes = detect(state, [now], { renames })
    expect(described(changes)).toEqual({
      mmdet: ['Rename field total on customer to amount', 'Alter field amount on customer'],
    })
    expect(detect(apply(state, changes), [now]).size).toBe(0)
  })

  it('explains a rename that does not match the migrations or the models', () => {
    const state = stateOf([customer({ total: new IntegerField() })])
    const now = customer({ amount: new IntegerField() })
    const rename =
      (from: string, to: string, model = 'customer') =>
      () =>
        detect(state, [now], { renames: [{ app: 'mmdet', model, from, to }] })
    expect(rename('total', 'amount', 'Nope')).toThrow(/have no model 'Nope'/)
    expect(rename('missing', 'amount')).toThrow(/has no field 'missing' in its migrations/)
    expect(rename('total', 'name')).toThrow(/already has a field 'name'/)
    expect(rename('total', 'other')).toThrow(/must define 'other' and no longer 'total'/)
  })
})

describe('detectChanges: tables, indexes, constraints, options', () => {
  it('moves a table, and adds, removes and replaces indexes and constraints by name', () => {
    const state = stateOf([
      customer(
        { email: new CharField({ maxLength: 200 }) },
        {
          indexes: [
            new Index({ fields: ['name'], name: 'mmdet_name_idx' }),
            new Index({ fields: ['email'], name: 'mmdet_email_idx' }),
          ],
          constraints: [new CheckConstraint({ check: "name <> ''", name: 'mmdet_name_set' })],
        },
      ),
    ])
    const now = customer(
      { email: new CharField({ maxLength: 200 }) },
      {
        dbTable: 'people',
        indexes: [
          new Index({ fields: ['name', 'email'], name: 'mmdet_name_idx' }),
          new Index({ fields: ['-email'], name: 'mmdet_email_desc_idx' }),
        ],
        constraints: [new UniqueConstraint({ fields: ['email'], name: 'mmdet_email_uniq' })],
      },
    )
    expect(described(detect(state, [now]))).toEqual({
      mmdet: [
        'Remove index mmdet_name_idx from customer',
        'Remove index mmdet_email_idx from customer',
        'Remove constraint mmdet_name_set from customer',
        'Rename table for Customer to people',
        'Create index mmdet_name_idx on name, email of customer',
        'Create index mmdet_email_desc_idx on -email of customer',
        'Create constraint mmdet_email_uniq on customer',
      ],
    })
  })

  it('warns about what no operation expresses, and leaves unmanaged models alone', () => {
    const Report = defineModel('mmdet.Report', { fields: { n: new IntegerField() }, meta: { managed: false } })
    const state = stateOf([customer({ code: new CharField({ maxLength: 5 }) }), Report])
    const warnings: string[] = []
    const ReportNow = defineModel('mmdet.Report', {
      fields: { n: new IntegerField(), extra: new IntegerField() },
      meta: { managed: false, dbTable: 'elsewhere' },
    })
    const changes = detect(
      state,
      [customer({ code: new CharField({ maxLength: 5 }) }, { uniqueTogether: [['name', 'code']] }), ReportNow],
      { warn: (m) => warnings.push(m) },
    )
    expect(changes.size).toBe(0)
    expect(warnings).toEqual([expect.stringMatching(/^mmdet\.Customer: uniqueTogether changed/)])
  })
})

describe('detectChanges: apps', () => {
  function twoApps() {
    const Account = defineModel('mmacc.Account', { fields: { email: new CharField({ maxLength: 100 }) } })
    const Order = defineModel('mmshop.Order', {
      fields: { account: new ForeignKey(() => Account, { onDelete: 'CASCADE', relatedName: 'orders' }) },
    })
    const Note = defineModel('mmnote.Note', { fields: { text: new TextField() } })
    return [Account, Order, Note]
  }

  it('keeps only the named apps and the apps whose new models they need', () => {
    const models = twoApps()
    expect([...detect(new ProjectState(), models).keys()]).toEqual(['mmacc', 'mmnote', 'mmshop'])
    expect([...detect(new ProjectState(), models, { apps: ['mmshop'] }).keys()]).toEqual(['mmacc', 'mmshop'])
    expect([...detect(new ProjectState(), models, { apps: ['mmacc'] }).keys()]).toEqual(['mmacc'])
  })

  it('records cross-app dependencies on new and on existing migrations', () => {
    const models = twoApps()
    const fresh = detect(new ProjectState(), models)
    expect(changeDependencies(fresh, new ProjectState())).toEqual([{ app: 'mmshop', on: 'mmacc', onNew: true }])

    const state = apply(new ProjectState(), detect(new ProjectState(), models.slice(0, 1)))
    const later = detect(state, models)
    expect(later.get('mmshop')?.[0]).toBeInstanceOf(CreateModel)
    expect(changeDependencies(later, state)).toEqual([{ app: 'mmshop', on: 'mmacc', onNew: false }])
  })

  it('makes an app deleting a model wait for the apps that pointed at it', () => {
    const models = twoApps()
    const state = apply(new ProjectState(), detect(new ProjectState(), models))
    const Order = defineModel('mmshop.Order', { fields: { total: new IntegerField() } })
    const changes = detect(state, [Order, models[2] as ModelClassLike])
    expect(described(changes)).toEqual({
      mmacc: ['Delete model Account'],
      mmshop: ['Remove field account from order', 'Add field total to order'],
    })
    expect(changeDependencies(changes, state)).toEqual([{ app: 'mmacc', on: 'mmshop', onNew: true }])
    const added = changes.get('mmshop')?.[1] as AddField
    expect(added).toBeInstanceOf(AddField)
  })
})
