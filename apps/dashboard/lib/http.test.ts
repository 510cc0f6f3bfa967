import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readJsonBody } from './http'

function request(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request('http://dashboard.test/', { method: 'POST', body, headers })
}

describe('readJsonBody', () => {
  it('reads plain and gzipped JSON', async () => {
    expect(await readJsonBody(request('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } })
    const gz = await readJsonBody(request(gzipSync('{"a":2}'), { 'content-encoding': 'gzip' }))
    expect(gz).toEqual({ ok: true, value: { a: 2 } })
  })

  it('answers 413 past the limit, raw or inflated, and 400 for an empty body', async () => {
    const raw = await readJsonBody(request(`"${'x'.repeat(100)}"`), 50)
    expect(raw.ok ? 0 : raw.response.status).toBe(413)
    const inflated = await readJsonBody(request(gzipSync(`"${'x'.repeat(100)}"`), { 'content-encoding': 'gzip' }), 50)
    expect(inflated.ok ? 0 : inflated.response.status).toBe(413)
    const declared = await readJsonBody(request('{}', { 'content-length': '5000' }), 50)
    expect(declared.ok ? 0 : declared.response.status).toBe(413)
    const empty = await readJsonBody(request(''))
    expect(empty.ok ? 0 : empty.response.status).toBe(400)
  })
})
