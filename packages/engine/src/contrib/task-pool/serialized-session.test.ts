import { describe, expect, it } from 'vitest'
import type { DriverSession, QueryResult, Row } from '../../backends/base/base-connection.js'
import { SerializedSession } from './serialized-session.js'

/** A session that records when each statement starts and ends, and finishes them when told. */
function recordingSession() {
  const log: string[] = []
  const pending = new Map<string, () => void>()
  const session: DriverSession = {
    query(sql): Promise<QueryResult> {
      log.push(`start ${sql}`)
      if (sql === 'FAIL') return Promise.reject(new Error('boom'))
      return new Promise((resolve) => {
        pending.set(sql, () => {
          log.push(`end ${sql}`)
          resolve({ rows: [{ sql }], rowCount: 1 })
        })
      })
    },
    async *streamChunks(sql): AsyncIterable<Row[]> {
      log.push(`stream ${sql}`)
      yield [{ n: 1 }]
      yield [{ n: 2 }]
      log.push(`stream end ${sql}`)
    },
  }
  const finish = async (sql: string) => {
    await new Promise((r) => setImmediate(r))
    pending.get(sql)?.()
  }
  return { session, log, finish }
}

describe('SerializedSession', () => {
  it('runs concurrent statements one after the other, in call order, and counts them', async () => {
    const { session, log, finish } = recordingSession()
    let count = 0
    const serialized = new SerializedSession(session, () => count++)
    const a = serialized.query('A', [])
    const b = serialized.query('B', [])
    const c = serialized.query('C', [])
    expect(serialized.inFlight).toBe(3)
    await finish('A')
    await finish('B')
    await finish('C')
    await Promise.all([a, b, c])
    expect(log).toEqual(['start A', 'end A', 'start B', 'end B', 'start C', 'end C'])
    expect(count).toBe(3)
    expect(serialized.inFlight).toBe(0)
  })

  it('goes on with the next statement after one fails', async () => {
    const { session, log, finish } = recordingSession()
    const serialized = new SerializedSession(session)
    const failed = serialized.query('FAIL', [])
    const next = serialized.query('NEXT', [])
    await expect(failed).rejects.toThrow('boom')
    await finish('NEXT')
    await expect(next).resolves.toMatchObject({ rows: [{ sql: 'NEXT' }] })
    expect(log).toEqual(['start FAIL', 'start NEXT', 'end NEXT'])
    expect(serialized.inFlight).toBe(0)
  })

  it('holds the session for a whole stream', async () => {
    const { session, log, finish } = recordingSession()
    const serialized = new SerializedSession(session)
    const rows: Row[] = []
    const streamed = (async () => {
      for await (const chunk of serialized.streamChunks('S', [], 10)) rows.push(...chunk)
    })()
    const after = serialized.query('AFTER', [])
    await streamed
    await finish('AFTER')
    await after
    expect(rows).toEqual([{ n: 1 }, { n: 2 }])
    expect(log).toEqual(['stream S', 'stream end S', 'start AFTER', 'end AFTER'])
  })
})
