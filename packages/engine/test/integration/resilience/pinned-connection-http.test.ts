import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RequestInfo } from '../../../src/contrib/http/request-scope.js'
import { currentPinStats, type PinStats, pinnedConnectionMiddlewares } from '../../../src/contrib/task-pool/index.js'
import { configure, defineModel, getConnection, IntegerField } from '../../../src/index.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'
import { captureLogs } from '../../support/logs.js'
import { createTables, teardownOrm, truncate } from '../../support/orm.js'

const Visit = defineModel('resilience.PinnedVisit', {
  fields: { request: new IntegerField() },
  meta: { dbTable: 'pinned_visits' },
})

const describePg = testBackends().includes('postgres') ? describe : describe.skip

async function backendPid(): Promise<number> {
  const { rows } = await getConnection().execute<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return rows[0]?.pid as number
}

interface HandlerBody {
  pids: number[]
  visits: number
  stats?: PinStats
}

async function body(response: Response): Promise<HandlerBody> {
  return (await response.json()) as HandlerBody
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Resolves once `count` callers have arrived: keeps concurrent requests inside their handlers together. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0
  let open: () => void = () => undefined
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    if (++arrived === count) open()
    return opened
  }
}

describePg('pinnedConnectionMiddlewares() with PostgreSQL', () => {
  let server: Server | undefined
  let finished: Array<{ stats: PinStats; info: RequestInfo }> = []
  let meet: () => Promise<void> = () => Promise.resolve()

  /** Several raw and ORM statements; answers with the backend pid each raw statement saw. */
  async function handle(request: number): Promise<HandlerBody> {
    const pids = [await backendPid()]
    await meet()
    await Visit.objects.create({ request })
    pids.push(await backendPid())
    const visits = await Visit.objects.filter({ request }).count()
    pids.push(await backendPid())
    const stats = currentPinStats()
    return stats === undefined ? { pids, visits } : { pids, visits, stats }
  }

  const onFinish = (stats: PinStats, info: RequestInfo) => {
    finished.push({ stats, info })
  }

  beforeAll(async () => {
    const url = await createTestDatabase('postgres', 'resilience_pinned_http')
    configure({ DATABASES: { default: { URL: url, MAX_POOL_SIZE: 4 } } })
    await createTables([Visit], 'default')
  })
  afterAll(teardownOrm)
  beforeEach(async () => {
    finished = []
    meet = () => Promise.resolve()
    await truncate([Visit])
  })
  afterEach(async () => {
    const running = server
    server = undefined
    if (running !== undefined) await new Promise<void>((resolve) => running.close(() => resolve()))
  })

  it('node:http: one backend per request, two concurrent requests on two, released after the response', async () => {
    const middlewares = pinnedConnectionMiddlewares({ onFinish })
    server = createServer(
      middlewares.wrapNodeHandler(async (req, res) => {
        const body = await handle(Number(new URL(req.url ?? '/', 'http://x').searchParams.get('r')))
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(body))
      }),
    )
    const base = await listen(server)

    const single = await body(await fetch(`${base}/visits?r=1`))
    expect(new Set(single.pids).size).toBe(1)
    expect(single.visits).toBe(1)
    expect(single.stats).toMatchObject({ alias: 'default', queries: 5 })

    meet = barrier(2)
    const [a, b] = await Promise.all([fetch(`${base}/visits?r=2`).then(body), fetch(`${base}/visits?r=3`).then(body)])
    expect(new Set(a.pids).size).toBe(1)
    expect(new Set(b.pids).size).toBe(1)
    expect(a.pids[0]).not.toBe(b.pids[0])

    await vi.waitFor(() => expect(finished).toHaveLength(3))
    expect(getConnection().poolStats().in_use).toBe(0)
    expect(finished[0]?.info).toMatchObject({ method: 'GET', path: '/visits' })
    expect(finished[0]?.stats).toMatchObject({ alias: 'default', queries: 5 })
    expect(finished[0]?.stats.hold_ms).toBeGreaterThan(0)
  })

  it('Express: releases the connection after a handler that fails', async () => {
    const logs = captureLogs()
    try {
      const app = express()
      app.use(pinnedConnectionMiddlewares({ onFinish }).express)
      app.get('/visits/:r', async (req, res) => {
        res.json(await handle(Number(req.params.r)))
      })
      app.get('/broken', async (_req, res) => {
        await backendPid()
        await getConnection()
          .execute('SELECT * FROM no_such_table')
          .catch(() => res.status(500).end('failed'))
      })
      server = createServer(app)
      const base = await listen(server)
      const ok = await body(await fetch(`${base}/visits/7`))
      expect(new Set(ok.pids).size).toBe(1)
      expect((await fetch(`${base}/broken`)).status).toBe(500)
      await vi.waitFor(() => expect(finished).toHaveLength(2))
      expect(finished[0]?.info.route).toBe('/visits/:r')
      expect(getConnection().poolStats().in_use).toBe(0)
      expect(await backendPid()).toBeGreaterThan(0)
    } finally {
      logs.stop()
    }
  })

  it('Fetch-style handlers: pinned for the handler, and an onFinish that throws is only logged', async () => {
    const logs = captureLogs()
    try {
      const middlewares = pinnedConnectionMiddlewares({
        onFinish: () => {
          throw new Error('metrics backend down')
        },
      })
      const GET = middlewares.wrapFetchHandler(async () => Response.json(await handle(9)))
      const answer = await body(await GET(new Request('http://localhost/visits')))
      expect(new Set(answer.pids).size).toBe(1)
      expect(answer.stats).toMatchObject({ queries: 5 })
      expect(getConnection().poolStats().in_use).toBe(0)
      const error = logs.records.find((r) => r.logger === 'dorm.contrib.task_pool')
      expect(error?.level).toBe('ERROR')
      expect(error?.message).toContain('metrics backend down')
    } finally {
      logs.stop()
    }
  })
})
