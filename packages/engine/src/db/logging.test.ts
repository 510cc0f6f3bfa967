import { afterEach, describe, expect, it, vi } from 'vitest'
import { addLogSink, getLogger, type LogRecord, resetLogging, setLogLevel } from './logging.js'

describe('logging', () => {
  afterEach(() => {
    resetLogging()
    vi.restoreAllMocks()
  })

  it('inherits the nearest configured level, WARNING by default', () => {
    const records: LogRecord[] = []
    addLogSink((r) => records.push(r))
    const pool = getLogger('dorm.db.pool')
    pool.info('hidden')
    pool.warning('shown')
    setLogLevel('dorm.db', 'INFO')
    pool.info('now shown')
    getLogger('dorm.queries').info('still hidden')
    setLogLevel('dorm.db', null)
    pool.info('hidden again')
    expect(records.map((r) => r.message)).toEqual(['shown', 'now shown'])
    expect(records[0]).toMatchObject({ logger: 'dorm.db.pool', level: 'WARNING' })
  })

  it('a child level beats its parent', () => {
    setLogLevel('dorm', 'ERROR')
    setLogLevel('dorm.queries', 'DEBUG')
    expect(getLogger('dorm.queries').isEnabledFor('DEBUG')).toBe(true)
    expect(getLogger('dorm.db').isEnabledFor('WARNING')).toBe(false)
  })

  it('prints WARNING and above to stderr when no sink is registered', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    getLogger('dorm.db').info('quiet')
    getLogger('dorm.db').warning('loud')
    expect(write).toHaveBeenCalledTimes(1)
    expect(String(write.mock.calls[0]?.[0])).toBe('WARNING dorm.db: loud\n')
  })

  it('keeps logging when a sink throws', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const records: LogRecord[] = []
    addLogSink(() => {
      throw new Error('sink down')
    })
    addLogSink((r) => records.push(r))
    getLogger('dorm.db').error('boom', { alias: 'default' }, new Error('cause'))
    expect(records).toHaveLength(1)
    expect(records[0]?.data).toEqual({ alias: 'default' })
    expect(String(write.mock.calls[0]?.[0])).toMatch(/a log sink threw/)
  })

  it('rejects an unknown level', () => {
    expect(() => setLogLevel('dorm', 'VERBOSE' as never)).toThrow(/Unknown log level 'VERBOSE'/)
  })
})
