import { afterEach, describe, expect, it } from 'vitest'
import { addLogSink, type LogRecord, resetLogging } from './db/logging.js'
import { Signal } from './signals.js'

describe('Signal', () => {
  afterEach(() => resetLogging())

  it('calls receivers in order, filtered by sender', () => {
    const signal = new Signal<{ sender: string; n: number }>('test')
    const calls: string[] = []
    signal.connect(({ n }) => calls.push(`any:${n}`))
    signal.connect(({ n }) => calls.push(`pg:${n}`), { sender: 'postgresql' })
    signal.send({ sender: 'postgresql', n: 1 })
    signal.send({ sender: 'sqlite', n: 2 })
    expect(calls).toEqual(['any:1', 'pg:1', 'any:2'])
  })

  it('connects once per dispatchUid and disconnects by it', () => {
    const signal = new Signal<{ sender: string }>('test')
    let count = 0
    signal.connect(() => count++, { dispatchUid: 'x' })
    signal.connect(() => count++, { dispatchUid: 'x' })
    signal.send({ sender: 'a' })
    expect(count).toBe(1)
    expect(signal.disconnect(undefined, { dispatchUid: 'x' })).toBe(true)
    expect(signal.hasReceivers).toBe(false)
    expect(signal.disconnect(undefined, { dispatchUid: 'x' })).toBe(false)
  })

  it('logs throwing and rejecting receivers on dorm.signals and keeps going', async () => {
    const records: LogRecord[] = []
    addLogSink((r) => records.push(r))
    const signal = new Signal<{ sender: string }>('postSave')
    let reached = false
    signal.connect(function syncFailure() {
      throw new Error('sync')
    })
    signal.connect(async function asyncFailure() {
      throw new Error('async')
    })
    signal.connect(() => {
      reached = true
    })
    expect(() => signal.send({ sender: 'x' })).not.toThrow()
    await new Promise((resolve) => setImmediate(resolve))
    expect(reached).toBe(true)
    expect(records.map((r) => [r.logger, r.level])).toEqual([
      ['dorm.signals', 'ERROR'],
      ['dorm.signals', 'ERROR'],
    ])
    expect(records[0]?.message).toMatch(/syncFailure of signal postSave raised: sync/)
    expect(records[1]?.message).toMatch(/asyncFailure/)
  })
})
