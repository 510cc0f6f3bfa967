import { describe, expect, it } from 'vitest'
import { readIsoInstant } from './iso-instant.js'

describe('readIsoInstant', () => {
  it.each([
    '2026-11-27T01:23:45.678Z',
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '2000-02-29T12:00:00.500Z',
    '0100-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ])('reads %s as Date#toISOString wrote it', (text) => {
    expect(readIsoInstant(text)?.toISOString()).toBe(text)
  })

  it.each([
    '2026-02-30T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-11-27T24:00:00.000Z',
    '2026-11-27T01:60:00.000Z',
    '2026-11-27T01:23:60.000Z',
    '0099-01-01T00:00:00.000Z',
    '2026-11-27T01:23:45Z',
    '2026-11-27T01:23:45.678+00',
    '2026-11-27 01:23:45.678Z',
    '2026-11-2xT01:23:45.678Z',
  ])('leaves %s to the general parser', (text) => {
    expect(readIsoInstant(text)).toBeUndefined()
  })
})
