import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  atomic,
  closeAll,
  configure,
  getConnection,
  healthCheck,
  InterfaceError,
  OperationalError,
  postQuery,
  resetSettings,
} from '../../../src/index.js'
import { captureLogs } from '../../support/logs.js'
import { terminateBackends, uniqueAppName } from '../../support/pg-admin.js'
import { type PgCluster, startPgCluster } from '../../support/pg-cluster.js'

// this file stops and starts its server, so it runs on a cluster of its own
let cluster: PgCluster

beforeAll(async () => {
  cluster = await startPgCluster({ name: 'restart' })
}, 60_000)

afterAll(async () => {
  await closeAll()
  await cluster?.stop()
})

describe('server restarts and transient retry', () => {
  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('a read issued while the server restarts recovers within RETRY_ATTEMPTS', async () => {
    configure({
      RETRY_ATTEMPTS: 6,
      RETRY_BACKOFF: 0.1,
      DATABASES: { default: { URL: cluster.url, MIN_POOL_SIZE: 2, MAX_POOL_SIZE: 4 } },
    })
    const logs = captureLogs()
    const db = getConnection()
    await db.execute('SELECT 1')
    await cluster.stopServer('fast')
    const read = db.execute('SELECT 42 AS answer')
    await new Promise((resolve) => setTimeout(resolve, 250))
    await cluster.startServer()
    await expect(read).resolves.toMatchObject({ rows: [{ answer: 42 }] })
    const retries = logs.records.filter((r) => r.logger === 'dorm.db' && r.message.startsWith('retrying'))
    expect(retries.length).toBeGreaterThanOrEqual(1)
    expect(retries.length).toBeLessThanOrEqual(5)
    expect(retries.every((r) => r.level === 'WARNING')).toBe(true)
    logs.stop()
  })

  it('gives up after RETRY_ATTEMPTS with an OperationalError when the server stays down', async () => {
    configure({
      RETRY_ATTEMPTS: 3,
      RETRY_BACKOFF: 0.01,
      DATABASES: { default: { URL: cluster.url, MIN_POOL_SIZE: 0 } },
    })
    const logs = captureLogs()
    await cluster.stopServer('fast')
    try {
      const error = await getConnection()
        .execute('SELECT 1')
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OperationalError)
      expect((error as OperationalError).message).toMatch(/^connection refused/)
      expect(logs.records.filter((r) => r.message.startsWith('retrying'))).toHaveLength(2)
    } finally {
      logs.stop()
      await cluster.startServer()
    }
  })

  it('RETRY_ATTEMPTS = 1 disables the retry loop', async () => {
    configure({ RETRY_ATTEMPTS: 1, DATABASES: { default: { URL: cluster.url, MIN_POOL_SIZE: 0 } } })
    const logs = captureLogs()
    await cluster.stopServer('fast')
    try {
      await expect(getConnection().execute('SELECT 1')).rejects.toBeInstanceOf(OperationalError)
      expect(logs.records.filter((r) => r.message.startsWith('retrying'))).toHaveLength(0)
    } finally {
      logs.stop()
      await cluster.startServer()
    }
  })

  it('never retries inside a transaction', async () => {
    const app = uniqueAppName('tx')
    configure({
      RETRY_ATTEMPTS: 5,
      RETRY_BACKOFF: 0.01,
      DATABASES: { default: { URL: cluster.url, MIN_POOL_SIZE: 1, OPTIONS: { application_name: app } } },
    })
    const logs = captureLogs()
    const seen: string[] = []
    const receiver = ({ sql }: { sql: string }) => {
      seen.push(sql)
    }
    postQuery.connect(receiver)
    try {
      const error = await atomic(async () => {
        await getConnection().execute('SELECT 1')
        await terminateBackends(cluster.url, app)
        await new Promise((resolve) => setTimeout(resolve, 50))
        await getConnection().execute('SELECT 2 AS inside')
      }).catch((e: unknown) => e)
      // pg reports the dead socket as InterfaceError (client unusable) or OperationalError (terminated)
      expect(error instanceof OperationalError || error instanceof InterfaceError).toBe(true)
      expect(seen.filter((sql) => sql === 'SELECT 2 AS inside')).toHaveLength(1)
      expect(logs.records.filter((r) => r.message.startsWith('retrying'))).toHaveLength(0)
      // the broken connection was dropped: the next statement outside works
      await expect(getConnection().execute('SELECT 3 AS after')).resolves.toMatchObject({ rows: [{ after: 3 }] })
    } finally {
      postQuery.disconnect(receiver)
      logs.stop()
    }
  })

  it('healthCheck on a stopped server returns status error and does not throw', async () => {
    configure({ DATABASES: { default: { URL: cluster.url, MIN_POOL_SIZE: 0 } } })
    await cluster.stopServer('fast')
    try {
      const report = await healthCheck({ deep: true })
      expect(report.status).toBe('error')
      expect(report.alias).toBe('default')
      expect(report.error).toMatch(/^OperationalError: connection refused/)
      expect(report.elapsed_ms).toBeGreaterThan(0)
      expect(report.pool).toMatchObject({ alias: 'default', vendor: 'postgresql', has_pool: true })
    } finally {
      await cluster.startServer()
    }
    expect(await healthCheck()).toMatchObject({ status: 'ok', alias: 'default' })
  })
})
