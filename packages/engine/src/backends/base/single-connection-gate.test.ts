import { describe, expect, it } from 'vitest'
import { SingleConnectionGate } from './single-connection-gate.js'

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('SingleConnectionGate', () => {
  it('hands the value out at once when free', async () => {
    const gate = new SingleConnectionGate('db')
    const lease = await gate.acquire()
    expect(lease.value).toBe('db')
    expect(gate.stats()).toEqual({ inUse: 1, waiting: 0, acquisitions: 1, waitMs: 0 })
    lease.release()
    expect(gate.stats().inUse).toBe(0)
  })

  it('serves waiters first come first served', async () => {
    const gate = new SingleConnectionGate({})
    const order: number[] = []
    const first = await gate.acquire()
    const waits = [1, 2, 3].map((n) =>
      gate.acquire().then((lease) => {
        order.push(n)
        return lease
      }),
    )
    await tick()
    expect(order).toEqual([])
    expect(gate.stats().waiting).toBe(3)
    first.release()
    const second = await waits[0]
    await tick()
    // only one holder at a time: 2 and 3 still wait for 1
    expect(order).toEqual([1])
    second?.release()
    ;(await waits[1])?.release()
    ;(await waits[2])?.release()
    expect(order).toEqual([1, 2, 3])
    expect(gate.stats()).toMatchObject({ inUse: 0, waiting: 0, acquisitions: 4 })
  })

  it('keeps two async leases from interleaving', async () => {
    const gate = new SingleConnectionGate(null)
    const log: string[] = []
    const job = async (name: string) => {
      const lease = await gate.acquire()
      try {
        log.push(`${name}:begin`)
        await tick()
        log.push(`${name}:commit`)
      } finally {
        lease.release()
      }
    }
    await Promise.all([job('a'), job('b')])
    expect(log).toEqual(['a:begin', 'a:commit', 'b:begin', 'b:commit'])
  })

  it('ignores a second release instead of freeing the next holder', async () => {
    const gate = new SingleConnectionGate(0)
    const first = await gate.acquire()
    const next = gate.acquire()
    first.release()
    const second = await next
    first.release()
    expect(gate.stats().inUse).toBe(1)
    let thirdGot = false
    const third = gate.acquire().then((lease) => {
      thirdGot = true
      return lease
    })
    await tick()
    expect(thirdGot).toBe(false)
    second.release()
    ;(await third).release()
    expect(gate.stats()).toMatchObject({ inUse: 0, waiting: 0, acquisitions: 3 })
  })

  it('counts the time spent waiting', async () => {
    const gate = new SingleConnectionGate(0)
    const first = await gate.acquire()
    const next = gate.acquire()
    await new Promise((resolve) => setTimeout(resolve, 20))
    first.release()
    ;(await next).release()
    expect(gate.stats().waitMs).toBeGreaterThanOrEqual(15)
  })

  it('rejects queued and later callers once closed, but lets the holder release', async () => {
    const gate = new SingleConnectionGate(0)
    const held = await gate.acquire()
    const queued = gate.acquire()
    gate.close(() => new Error('gone'))
    await expect(queued).rejects.toThrow('gone')
    await expect(gate.acquire()).rejects.toThrow('gone')
    expect(gate.closed).toBe(true)
    held.release()
    expect(gate.stats()).toMatchObject({ inUse: 0, waiting: 0 })
  })

  it('handles a long queue in order', async () => {
    const gate = new SingleConnectionGate(0)
    const seen: number[] = []
    const first = await gate.acquire()
    const all = Array.from({ length: 5000 }, (_, n) =>
      gate.acquire().then((lease) => {
        seen.push(n)
        lease.release()
      }),
    )
    first.release()
    await Promise.all(all)
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, n) => n))
  })

  it('rejects a caller that waited past its timeout and skips it at hand-off', async () => {
    const gate = new SingleConnectionGate('db')
    const held = await gate.acquire()
    const timedOut = gate.acquire(20, (ms) => new Error(`waited ${Math.round(ms)} ms`))
    const patient = gate.acquire(5000, () => new Error('never'))
    await expect(timedOut).rejects.toThrow(/waited \d+ ms/)
    expect(gate.stats().waiting).toBe(1)
    held.release()
    const next = await patient
    expect(gate.stats()).toMatchObject({ inUse: 1, waiting: 0 })
    next.release()
    expect(gate.stats().inUse).toBe(0)
  })

  it('tryAcquire takes a free gate in the call and refuses a held or closed one', async () => {
    const gate = new SingleConnectionGate('db')
    const now = gate.tryAcquire()
    expect(now?.value).toBe('db')
    expect(gate.tryAcquire()).toBeUndefined()
    const queued = gate.acquire()
    now?.release()
    // the queued caller got it at hand-off: nobody barges in with tryAcquire meanwhile
    expect(gate.tryAcquire()).toBeUndefined()
    ;(await queued).release()
    expect(gate.stats()).toMatchObject({ inUse: 0, waiting: 0, acquisitions: 2 })
    gate.close(() => new Error('closed'))
    expect(gate.tryAcquire()).toBeUndefined()
  })
})
