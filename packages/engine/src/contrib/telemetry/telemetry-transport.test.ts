/**
 * postBatch against a real loopback HTTP server: a POST leaves nothing attached to the caller's
 * long-lived signal (the exporter passes its lifetime signal to every POST), and the timeout and
 * the caller's abort still end a POST that gets no answer.
 */
import { getEventListeners } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postBatch } from './telemetry-transport.js'

let server: Server
let url = ''
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      if (req.url === '/hang') return // never answers
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":0}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const post = (path: string, signal: AbortSignal | undefined, timeoutMs = 5000) =>
  postBatch({ url: `${url}${path}`, token: 'dk_ingest_test', body: '{}', batchId: 'b1', timeoutMs, fetch, signal })

/** Signals Node keeps for `AbortSignal.any` on a source (an internal set; absent when never used). */
function dependantSignals(signal: AbortSignal): number {
  const symbol = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals')
  const set = symbol === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[symbol]
  return set?.size ?? 0
}

describe('postBatch', () => {
  it("leaves nothing attached to the caller's long-lived signal after each POST", async () => {
    const lifetime = new AbortController()
    for (let i = 0; i < 50; i++) {
      expect((await post('/ingest', lifetime.signal)).kind).toBe('accepted')
    }
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(0)
    expect(dependantSignals(lifetime.signal)).toBe(0)
  })

  it('gives up on a POST without an answer after timeoutMs', async () => {
    const outcome = await post('/hang', new AbortController().signal, 200)
    expect(outcome).toMatchObject({ kind: 'retry', status: null, reason: 'no answer within 200 ms' })
  })

  it("ends a POST without an answer when the caller's signal aborts, and one already aborted at once", async () => {
    const lifetime = new AbortController()
    setTimeout(() => lifetime.abort(), 100)
    const started = Date.now()
    expect(await post('/hang', lifetime.signal, 60_000)).toMatchObject({ kind: 'retry', status: null })
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(await post('/ingest', lifetime.signal)).toMatchObject({ kind: 'retry', status: null })
  })
})
