import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { OperationalError } from '../errors.js'
import { doctorContext } from './doctor-check.js'
import { checkMaxConnections, workerCount } from './max-connections-check.js'

describe('checkMaxConnections', () => {
  afterEach(() => resetSettings())

  const asked: string[] = []
  const server = (max: number) => async (alias: string) => {
    asked.push(alias)
    return max
  }

  it('does nothing when it may not connect', async () => {
    configure({ DATABASES: { default: 'postgres://app@db/app' } })
    expect(await checkMaxConnections(doctorContext({}))).toEqual([])
  })

  it('sums the pools of the aliases on one server, times WEB_CONCURRENCY', async () => {
    configure({
      DATABASES: {
        default: { URL: 'postgres://app@db:5432/app', MAX_POOL_SIZE: 10 },
        audit: { URL: 'postgres://audit@db:5432/audit', MAX_POOL_SIZE: 5 },
        replica: { URL: 'postgres://app@replica:5432/app', MAX_POOL_SIZE: 10 },
        bouncer: { URL: 'postgres://app@db:6432/app', MAX_POOL_SIZE: 50 },
        local: 'sqlite:///db.sqlite3',
      },
    })
    asked.length = 0
    const findings = await checkMaxConnections(doctorContext({ WEB_CONCURRENCY: '4' }, server(100)))
    expect(asked).toEqual(['default', 'replica'])
    expect(findings).toEqual([
      {
        level: 'warning',
        code: 'DORM-D016',
        alias: 'default',
        message:
          "DATABASES['default', 'audit']: MAX_POOL_SIZE 10 + 5 × 4 worker(s) (WEB_CONCURRENCY) = 60 connections to " +
          'db:5432, more than half of its max_connections (100). Lower MAX_POOL_SIZE, run fewer workers, put PgBouncer ' +
          'in front, or raise max_connections.',
      },
    ])
    // exactly half is fine
    expect(await checkMaxConnections(doctorContext({ WEB_CONCURRENCY: '4' }, server(120)))).toEqual([])
  })

  it('notes a server it cannot ask', async () => {
    configure({ DATABASES: { default: 'postgres://app@db/app' } })
    const unreachable = async () => {
      throw new OperationalError('connection refused')
    }
    const [finding] = await checkMaxConnections(doctorContext({}, unreachable))
    expect(finding).toMatchObject({ level: 'note', code: 'DORM-D017', alias: 'default' })
    expect(finding?.message).toBe(
      "DATABASES['default']: could not read max_connections from db:5432 (OperationalError: connection refused), " +
        'so MAX_POOL_SIZE × workers was not checked against it.',
    )
  })

  it('reads WEB_CONCURRENCY as a positive integer, else 1', () => {
    expect(workerCount({})).toBe(1)
    expect(workerCount({ WEB_CONCURRENCY: ' 8 ' })).toBe(8)
    expect(workerCount({ WEB_CONCURRENCY: '0' })).toBe(1)
    expect(workerCount({ WEB_CONCURRENCY: 'four' })).toBe(1)
  })
})
