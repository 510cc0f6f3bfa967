import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext } from './doctor-check.js'
import { checkReadAfterWrite } from './read-after-write-check.js'

describe('checkReadAfterWrite', () => {
  afterEach(() => resetSettings())

  it('is quiet with the default window', () => {
    expect(checkReadAfterWrite(doctorContext({}))).toEqual([])
  })

  it('notes a window of 0 or null', () => {
    configure({ READ_AFTER_WRITE_WINDOW: 0 })
    expect(checkReadAfterWrite(doctorContext({}))).toEqual([
      expect.objectContaining({
        level: 'note',
        code: 'DORM-D009',
        message: expect.stringMatching(/^READ_AFTER_WRITE_WINDOW is 0:/),
      }),
    ])
    configure({ READ_AFTER_WRITE_WINDOW: null })
    expect(checkReadAfterWrite(doctorContext({}))[0]?.message).toMatch(/^READ_AFTER_WRITE_WINDOW is null:/)
  })
})
