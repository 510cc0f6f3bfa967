import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CharField, DateTimeField, defineModel, ForeignKey, ImproperlyConfigured } from '../../../src/index.js'
import { allModels } from '../../../src/models/registry.js'
import { testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm } from '../../support/orm.js'

const Timestamped = defineModel('abst.Timestamped', {
  fields: { createdAt: new DateTimeField({ autoNowAdd: true }), label: new CharField({ maxLength: 20, default: 'x' }) },
  meta: { abstract: true },
})
const Owner = defineModel('abst.Owner', { fields: { name: new CharField({ maxLength: 20 }) } })
const Owned = defineModel('abst.Owned', {
  fields: { owner: new ForeignKey(() => Owner, { onDelete: 'CASCADE', relatedName: '+' }) },
  meta: { abstract: true },
})
const Post = defineModel('abst.Post', {
  fields: { ...Timestamped.fields, ...Owned.fields, title: new CharField({ maxLength: 50 }) },
})
const Page = defineModel('abst.Page', {
  fields: { ...Timestamped.fields, ...Owned.fields, slug: new CharField({ maxLength: 50 }) },
})

describe('abstract models', () => {
  it('have no table of their own and lend copies of their fields', () => {
    expect(allModels()).not.toContain(Timestamped)
    expect(Post.meta.getField('createdAt')).not.toBe(Page.meta.getField('createdAt'))
    expect(Post.meta.getField('createdAt').describe()).toBe('abst.Post.createdAt')
    expect(Page.meta.getField('owner').column).toBe('owner_id')
  })

  it('still refuse one concrete field object in two models', () => {
    const shared = new CharField({ maxLength: 5 })
    defineModel('abst.A', { fields: { shared } })
    expect(() => defineModel('abst.B', { fields: { shared } })).toThrow(ImproperlyConfigured)
  })
})

describe.each(testBackends())('models built from abstract ones on %s', (backend) => {
  beforeAll(() => setupOrmDatabase(backend, 'orm_abstract', [Owner, Post, Page]))
  afterAll(teardownOrm)

  it('save and query the inherited fields', async () => {
    const owner = await Owner.objects.create({ name: 'o' })
    const post = await Post.objects.create({ title: 'hello', owner })
    await Page.objects.create({ slug: 'about', owner })
    expect(post.createdAt).toBeInstanceOf(Date)
    expect(await Post.objects.filter({ owner, label: 'x' }).count()).toBe(1)
    expect(await Page.objects.filter({ owner__name: 'o' }).valuesList('slug', { flat: true })).toEqual(['about'])
  })
})
