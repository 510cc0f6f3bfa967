import pgTypes from 'pg-types'
import { describe, expect, it } from 'vitest'
import { readTimestamptz, timestamptzParser } from './postgres-timestamptz.js'

const pgParse = pgTypes.getTypeParser(1184, 'text') as (text: string) => unknown
const parse = timestamptzParser(pgParse)

describe('timestamptz parser', () => {
  it.each([
    '2026-11-27 01:23:45+00',
    '2026-11-27 01:23:45.5+00',
    '2026-11-27 01:23:45.12+00',
    '2026-11-27 01:23:45.123+00',
    '2026-11-27 01:23:45.123456+00',
    '2026-11-27 01:23:45.999999-08',
    '2026-02-28 23:59:59.000001+05:30',
    '1970-01-01 00:00:00+00',
    '1969-12-31 23:59:59.999+00',
    '2000-02-29 12:00:00-03:30',
    '1901-12-13 20:45:52+00:09:21',
    '0100-01-01 00:00:00+00',
    '9999-12-31 23:59:59.999999+14',
  ])('reads %s exactly as pg does', (text) => {
    expect(readTimestamptz(text)).toBeDefined()
    expect((parse(text) as Date).getTime()).toBe((pgParse(text) as Date).getTime())
  })

  it.each([
    'infinity',
    '-infinity',
    '0099-01-01 00:00:00+00',
    '0001-01-01 00:00:00+00 BC',
    '12345-01-01 00:00:00+00',
    '2026-11-27T01:23:45Z',
    '2026-11-27 01:23:45',
    '2026-11-27 01:23:45.+00',
    '2026-11-27 01:23:45+0',
    '2026-1x-27 01:23:45+00',
  ])('leaves %s to the fallback', (text) => {
    expect(readTimestamptz(text)).toBeUndefined()
    const ours = parse(text)
    const theirs = pgParse(text)
    expect(ours instanceof Date ? ours.getTime() : ours).toEqual(theirs instanceof Date ? theirs.getTime() : theirs)
  })
})
