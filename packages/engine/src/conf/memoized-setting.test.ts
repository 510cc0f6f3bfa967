import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { addLogSink, type LogRecord, resetLogging } from '../db/logging.js'
import {
  bumpSettingsGeneration,
  MemoizedSetting,
  NOT_SET,
  parseDecimal,
  parseInteger,
  settingsGeneration,
} from './memoized-setting.js'

const ENV = 'DORM_TEST_MEMOIZED_SETTING'

let explicitValue: number | null | typeof NOT_SET = NOT_SET
let explicitReads = 0
let records: LogRecord[] = []

function makeSetting(): MemoizedSetting<number | null> {
  return new MemoizedSetting<number | null>({
    name: 'TEST_KNOB',
    envVar: ENV,
    defaultValue: 7,
    parseEnv: (raw) => parseDecimal(raw, 0),
    envHint: 'a number >= 0',
    explicit: () => {
      explicitReads++
      return explicitValue
    },
  })
}

beforeEach(() => {
  explicitValue = NOT_SET
  explicitReads = 0
  records = []
  addLogSink((record) => records.push(record))
})
afterEach(() => {
  vi.unstubAllEnvs()
  resetLogging()
})

describe('MemoizedSetting', () => {
  it('resolves explicit > env > default', () => {
    const setting = makeSetting()
    expect(setting.get()).toBe(7)
    expect(setting.source()).toBe('default')

    vi.stubEnv(ENV, '12.5')
    bumpSettingsGeneration()
    expect(setting.get()).toBe(12.5)
    expect(setting.source()).toBe('env')

    explicitValue = 3
    bumpSettingsGeneration()
    expect(setting.get()).toBe(3)
    expect(setting.source()).toBe('setting')
  })

  it('treats an explicit null as a value, not as unset', () => {
    vi.stubEnv(ENV, '12')
    explicitValue = null
    expect(makeSetting().get()).toBeNull()
  })

  it('falls through to the default on an unparseable env value, and warns once per generation', () => {
    vi.stubEnv(ENV, 'not-a-number')
    const setting = makeSetting()
    expect(setting.get()).toBe(7)
    expect(setting.get()).toBe(7)
    expect(records).toHaveLength(1)
    expect(records[0]?.level).toBe('WARNING')
    expect(records[0]?.message).toContain('DORM_TEST_MEMOIZED_SETTING="not-a-number" is not a number >= 0')
    expect(records[0]?.message).toContain('using the default 7 for TEST_KNOB')
  })

  it('rejects values the parser refuses (negative, blank)', () => {
    const setting = makeSetting()
    for (const raw of ['-1', '', '   ', 'Infinity', '0x10']) {
      vi.stubEnv(ENV, raw)
      bumpSettingsGeneration()
      expect(setting.get()).toBe(7)
    }
  })

  it('reads settings and env once per generation', () => {
    vi.stubEnv(ENV, '1')
    const setting = makeSetting()
    expect(setting.get()).toBe(1)
    vi.stubEnv(ENV, '2')
    expect(setting.get()).toBe(1)
    expect(explicitReads).toBe(1)

    const before = settingsGeneration()
    bumpSettingsGeneration()
    expect(settingsGeneration()).toBe(before + 1)
    expect(setting.get()).toBe(2)
    expect(explicitReads).toBe(2)
  })

  it('does not touch process.env on a memoised read', () => {
    vi.stubEnv(ENV, '4')
    const setting = makeSetting()
    setting.get()
    const original = process.env
    const reads: Array<string | symbol> = []
    process.env = new Proxy(original, {
      get(target, key) {
        reads.push(key)
        return Reflect.get(target, key)
      },
    })
    try {
      for (let i = 0; i < 100; i++) setting.get()
    } finally {
      process.env = original
    }
    expect(reads).toEqual([])
  })
})

describe('parseDecimal / parseInteger', () => {
  it.each([
    ['0', 0],
    ['  12 ', 12],
    ['0.25', 0.25],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-2', -2],
  ])('parseDecimal(%j) = %s', (raw, value) => {
    expect(parseDecimal(raw)).toBe(value)
  })

  it.each(['', ' ', 'abc', '1,5', '0x10', 'Infinity', 'NaN', '1.2.3', '5ms'])(
    'parseDecimal(%j) is undefined',
    (raw) => {
      expect(parseDecimal(raw)).toBeUndefined()
    },
  )

  it('applies the minimum', () => {
    expect(parseDecimal('-0.1', 0)).toBeUndefined()
    expect(parseDecimal('0', 0)).toBe(0)
    expect(parseInteger('0', 1)).toBeUndefined()
    expect(parseInteger('1', 1)).toBe(1)
  })

  it.each([
    ['5', 5],
    [' 5 ', 5],
    ['+3', 3],
    ['-4', -4],
  ])('parseInteger(%j) = %s', (raw, value) => {
    expect(parseInteger(raw)).toBe(value)
  })

  it.each(['', '2.5', '2.0', '1e3', 'three', '99999999999999999999'])('parseInteger(%j) is undefined', (raw) => {
    expect(parseInteger(raw)).toBeUndefined()
  })
})
