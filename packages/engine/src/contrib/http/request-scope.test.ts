import { describe, expect, it } from 'vitest'
import { markWrite, stickyAlias, writeMarks } from '../../db/read-after-write.js'
import type { ModelClassLike } from '../../models/model-meta.js'
import { requestMiddlewares } from './request-scope.js'

const Book = { meta: { label: 'shop.Book' } } as unknown as ModelClassLike

describe('requestMiddlewares', () => {
  it('gives every request read-after-write marks of its own', async () => {
    const { wrapFetchHandler } = requestMiddlewares(async (_info, next) => await next())
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const seen: Record<string, string | undefined> = {}
    const writer = wrapFetchHandler(async () => {
      markWrite(writeMarks(), Book, 'default')
      await held
      seen.writer = stickyAlias(Book)
      return new Response('written')
    })
    const reader = wrapFetchHandler(async () => {
      seen.reader = stickyAlias(Book)
      release()
      return new Response('read')
    })
    const done = writer(new Request('http://shop.test/orders', { method: 'POST' }))
    await reader(new Request('http://shop.test/orders'))
    await done
    expect(seen).toEqual({ writer: 'default', reader: undefined })
    expect(stickyAlias(Book)).toBeUndefined()
  })
})
