import { describe, expect, it } from 'vitest'
import { lagFromRow } from './lag-probe.js'

const streamingReplica = { in_recovery: true, replayed_all: false, receiver_streaming: true }

describe('lagFromRow', () => {
  it('is the age of the last replayed transaction while WAL is waiting to be replayed', () => {
    expect(lagFromRow({ ...streamingReplica, replay_lag: 4.2 })).toBe(4.2)
    expect(lagFromRow({ ...streamingReplica, replay_lag: '12.5' })).toBe(12.5)
  })

  it('is 0 on an idle primary: everything received is replayed and the receiver streams', () => {
    expect(lagFromRow({ ...streamingReplica, replayed_all: true, replay_lag: 600 })).toBe(0)
  })

  it('keeps the replay age when the receiver is not streaming (the primary may be ahead)', () => {
    expect(lagFromRow({ ...streamingReplica, replayed_all: true, receiver_streaming: false, replay_lag: 600 })).toBe(
      600,
    )
  })

  it('is 0 for a server that is not in recovery (a primary, a promoted replica)', () => {
    expect(lagFromRow({ in_recovery: false, replay_lag: 3600, replayed_all: false, receiver_streaming: false })).toBe(0)
  })

  it('is 0 when no transaction was replayed since the replica started (NULL), as in the seed', () => {
    expect(lagFromRow({ ...streamingReplica, replay_lag: null })).toBe(0)
  })

  it('is never negative (clock skew between primary and replica)', () => {
    expect(lagFromRow({ ...streamingReplica, replay_lag: -0.3 })).toBe(0)
  })

  it('rejects a lag that is not a number', () => {
    expect(() => lagFromRow({ ...streamingReplica, replay_lag: 'soon' })).toThrow(/not a number: soon/)
  })
})
