import { describe, expect, it } from 'vitest'
import { formatPath, validateBatch } from './validate-batch'

const envelope = {
  schema_version: 1,
  batch_id: 'batch-0001',
  sent_at: '2025-03-03T10:00:00.000Z',
  service: 'api',
  instance: { host: 'web-1', pid: 1 },
}

describe('formatPath', () => {
  it('writes zod paths as JavaScript paths', () => {
    expect(formatPath(['items', 3, 'nplusone', 0, 'fingerprint'])).toBe('items[3].nplusone[0].fingerprint')
    expect(formatPath([])).toBe('(body)')
  })
})

describe('validateBatch', () => {
  it('names the first bad envelope field', () => {
    const result = validateBatch({ ...envelope, items: [], batch_id: 'short' })
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'batch_id' }] })
    expect(result.ok ? '' : result.error).toMatch(/^invalid batch: batch_id: /)
  })

  it('keeps the good items with their index and names the first problem of each bad one', () => {
    const good = { kind: 'health', at: '2025-03-03T10:00:00Z', alias: 'default', status: 'ok', elapsed_ms: 2 }
    const result = validateBatch({ ...envelope, items: [{ ...good, status: 'meh', elapsed_ms: -1 }, good, 7] })
    if (!result.ok) throw new Error(result.error)
    expect(result.items.map((item) => item.index)).toEqual([1])
    expect(result.items[0]?.item).toMatchObject({ kind: 'health', error: null })
    expect(result.errors).toEqual([
      { index: 0, path: 'items[0].status', message: expect.any(String) },
      { index: 2, path: 'items[2]', message: expect.stringMatching(/expected object/) },
    ])
  })

  it('refuses NUL characters, which the store cannot keep', () => {
    expect(validateBatch({ ...envelope, service: 'a\u0000b', items: [] })).toMatchObject({ ok: false })
  })
})
