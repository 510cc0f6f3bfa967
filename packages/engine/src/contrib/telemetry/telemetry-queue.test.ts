import { describe, expect, it } from 'vitest'
import { TelemetryQueue } from './telemetry-queue.js'

const items = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}`)

describe('the telemetry queue', () => {
  it('drops the oldest items beyond its capacity and counts them', () => {
    const queue = new TelemetryQueue(5)
    queue.push(items(0, 3))
    queue.push(items(3, 8))
    expect(queue.length).toBe(5)
    expect(queue.droppedTotal).toBe(3)
    expect(queue.droppedUnreported).toBe(3)
    expect(queue.take(10, 1_000_000)).toEqual(items(3, 8))
  })

  it('counts a batch in flight against the capacity until it is settled', () => {
    const queue = new TelemetryQueue(4)
    queue.push(items(0, 4))
    const batch = queue.take(2, 1_000_000)
    expect(batch).toEqual(items(0, 2))
    expect(queue.held).toBe(4)
    queue.push(items(4, 6))
    // the batch in flight stays; the oldest waiting ones (2, 3) go
    expect(queue.held).toBe(4)
    expect(queue.droppedTotal).toBe(2)
    queue.settle(batch.length, { accepted: true, reportedDrops: 2 })
    expect(queue.droppedUnreported).toBe(0)
    expect(queue.take(10, 1_000_000)).toEqual(items(4, 6))
  })

  it('limits a batch by bytes but always takes at least one item', () => {
    const queue = new TelemetryQueue(100)
    queue.push(['x'.repeat(50), 'y'.repeat(50), 'z'])
    expect(queue.take(10, 60)).toEqual(['x'.repeat(50)])
    expect(queue.take(10, 10)).toEqual(['y'.repeat(50)])
  })

  it('counts a lost batch as dropped and puts a split batch back in front', () => {
    const queue = new TelemetryQueue(10)
    queue.push(items(0, 4))
    const batch = queue.take(4, 1_000_000)
    queue.push(items(4, 5))
    queue.giveBack(batch)
    expect(queue.take(10, 1_000_000)).toEqual(items(0, 5))
    queue.settle(5, { accepted: false, reportedDrops: 0 })
    expect(queue.droppedTotal).toBe(5)
    expect(queue.held).toBe(0)
  })
})
