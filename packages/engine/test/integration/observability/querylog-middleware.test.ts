/**
 * The querylog middleware on real servers: node:http and Express attach `req.dormQueryLog`, a
 * Fetch-style handler reads `currentQueryLog()`, every request gets its own log (also when requests
 * overlap), and `onFinish` sees the finished log with the method and route.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RequestInfo } from '../../../src/contrib/http/request-scope.js'
import {
  currentQueryLog,
  type QueryLog,
  queryLogMiddlewares,
  type RequestWithQueryLog,
} from '../../../src/contrib/querylog/index.js'
import { getConnection } from '../../../src/index.js'
import { testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { setupOrmDatabase, teardownOrm } from '../../support/orm.js'

const backend = testBackends()[0] ?? 'sqlite'

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function runQueries(n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) await getConnection().execute(`SELECT ${i} AS ${tag}_${i}`)
}

describe(`querylog middleware on ${backend}`, () => {
  const servers: Server[] = []
  const finished: { log: QueryLog; info: RequestInfo }[] = []
  const onFinish = (log: QueryLog, info: RequestInfo) => {
    finished.push({ log, info })
  }

  beforeAll(async () => {
    await setupOrmDatabase(backend, 'obs_querylog_mw', [], { SLOW_QUERY_MS: null })
  })
  afterAll(teardownOrm)
  afterEach(async () => {
    finished.length = 0
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
  })

  it('node:http: each request gets its own log on req.dormQueryLog, even when requests overlap', async () => {
    const middlewares = queryLogMiddlewares({ onFinish })
    const server = createServer(
      middlewares.wrapNodeHandler(async (req: IncomingMessage & RequestWithQueryLog, res) => {
        const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n'))
        await runQueries(n, `q${n}`)
        res.end(JSON.stringify({ seen: req.dormQueryLog?.count, same: req.dormQueryLog === currentQueryLog() }))
      }),
    )
    servers.push(server)
    const base = await listen(server)
    const bodies = await Promise.all([2, 3, 4].map(async (n) => (await fetch(`${base}/items?n=${n}`)).json()))
    expect(bodies).toEqual([
      { seen: 2, same: true },
      { seen: 3, same: true },
      { seen: 4, same: true },
    ])
    await expect.poll(() => finished.length).toBe(3)
    const byCount = finished.map(({ log, info }) => [log.count, log.finished, info.method, info.path]).sort()
    expect(byCount).toEqual([
      [2, true, 'GET', '/items'],
      [3, true, 'GET', '/items'],
      [4, true, 'GET', '/items'],
    ])
    for (const { log } of finished) {
      const tags = new Set(log.records.map((r) => r.sql.replace(/^SELECT \d+ AS (q\d+)_\d+$/, '$1')))
      expect(tags.size).toBe(1)
    }
  })

  it('Express: the log is on req.dormQueryLog and onFinish gets the route template', async () => {
    const app = express()
    app.use(queryLogMiddlewares({ onFinish }).express)
    app.get('/articles/:id', async (req, res) => {
      await runQueries(2, 'article')
      res.json({ queries: (req as RequestWithQueryLog).dormQueryLog?.count })
    })
    const server = createServer(app)
    servers.push(server)
    const base = await listen(server)
    const response = await fetch(`${base}/articles/42?x=1`)
    expect(await response.json()).toEqual({ queries: 2 })
    await expect.poll(() => finished.length).toBe(1)
    expect(finished[0]?.info).toMatchObject({ method: 'GET', path: '/articles/42', route: '/articles/:id' })
    expect(finished[0]?.log.records.map((r) => r.sql)).toEqual(['SELECT 0 AS article_0', 'SELECT 1 AS article_1'])
  })

  it('Fetch-style handlers read the log with currentQueryLog(); routeTemplate names the route', async () => {
    const middlewares = queryLogMiddlewares({ onFinish, routeTemplate: ({ path }) => path.replace(/\d+/g, ':id') })
    const GET = middlewares.wrapFetchHandler(async () => {
      await runQueries(3, 'fetch')
      return Response.json({ queries: currentQueryLog()?.count })
    })
    const response = await GET(new Request('http://localhost/books/7'))
    expect(await response.json()).toEqual({ queries: 3 })
    expect(finished).toHaveLength(1)
    expect(finished[0]?.info.route).toBe('/books/:id')
    expect(finished[0]?.log.count).toBe(3)
    expect(currentQueryLog()).toBeUndefined()
  })

  it('a throwing onFinish is logged on dorm.querylog and the response is unaffected', async () => {
    const logs = captureLogs()
    try {
      const GET = queryLogMiddlewares({
        onFinish: () => {
          throw new Error('exporter down')
        },
      }).wrapFetchHandler(async () => new Response('ok'))
      const response = await GET(new Request('http://localhost/health'))
      expect(await response.text()).toBe('ok')
      const errors = logs.records.filter((r) => r.logger === 'dorm.querylog')
      expect(errors.map((r) => [r.level, r.message])).toEqual([
        ['ERROR', 'querylog onFinish raised for GET /health: exporter down'],
      ])
    } finally {
      logs.stop()
    }
  })
})
