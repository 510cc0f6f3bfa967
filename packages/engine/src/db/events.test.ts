import { afterEach, describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/support/logs.js'
import {
  emitDormEvent,
  hasDormEventListeners,
  onDormEvent,
  resetDormEventListeners,
  type StampedDormEvent,
} from './events.js'

describe('the dorm event bus', () => {
  afterEach(() => resetDormEventListeners())

  it('delivers stamped events in subscription order and unsubscribes', () => {
    const seen: string[] = []
    const off = onDormEvent((e) => seen.push(`a:${e.type}`))
    onDormEvent((e) => seen.push(`b:${e.type}:${typeof e.time}`))
    expect(hasDormEventListeners()).toBe(true)
    emitDormEvent({ type: 'sticky_pin', model: 'blog.Post', alias: 'default' })
    off()
    emitDormEvent({ type: 'sticky_pin', model: 'blog.Post', alias: 'default' })
    expect(seen).toEqual(['a:sticky_pin', 'b:sticky_pin:number', 'b:sticky_pin:number'])
  })

  it('logs a listener that throws and still calls the others', () => {
    const logs = captureLogs()
    const seen: StampedDormEvent[] = []
    onDormEvent(function failing() {
      throw new Error('boom')
    })
    onDormEvent((e) => seen.push(e))
    try {
      emitDormEvent({ type: 'pool_timeout', alias: 'default', timeout_ms: 10, in_use: 2, pool_max: 2, waiting: 1 })
    } finally {
      logs.stop()
    }
    expect(seen).toHaveLength(1)
    expect(logs.records.map((r) => `${r.level} ${r.logger} ${r.message}`)).toEqual([
      'ERROR dorm.events listener failing of pool_timeout events raised: boom',
    ])
  })

  it('costs nothing when nobody listens', () => {
    expect(hasDormEventListeners()).toBe(false)
    expect(() => emitDormEvent({ type: 'sticky_pin', model: 'x.Y', alias: 'default' })).not.toThrow()
  })
})
