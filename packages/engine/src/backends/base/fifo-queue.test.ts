import { describe, expect, it } from 'vitest'
import { FifoQueue } from './fifo-queue.js'

describe('FifoQueue', () => {
  it('returns values in insertion order and tracks its length', () => {
    const q = new FifoQueue<number>()
    for (let i = 0; i < 5; i++) q.push(i)
    expect(q.length).toBe(5)
    expect(q.peek()).toBe(0)
    expect([q.shift(), q.shift()]).toEqual([0, 1])
    q.push(5)
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([2, 3, 4, 5])
    expect(q.length).toBe(0)
    expect(q.shift()).toBeUndefined()
  })

  it('is reusable after being emptied', () => {
    const q = new FifoQueue<string>()
    q.push('a')
    q.shift()
    q.push('b')
    expect(q.peek()).toBe('b')
    expect(q.length).toBe(1)
  })
})
