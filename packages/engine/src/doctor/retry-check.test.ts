import { afterEach, describe, expect, it, vi } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext } from './doctor-check.js'
import { checkRetry } from './retry-check.js'

describe('checkRetry', () => {
  afterEach(() => {
    resetSettings()
    vi.unstubAllEnvs()
  })

  it('is quiet with the default of 3 attempts', () => {
    expect(checkRetry(doctorContext({}))).toEqual([])
  })

  it('notes RETRY_ATTEMPTS 1 from the settings', () => {
    configure({ RETRY_ATTEMPTS: 1 })
    expect(checkRetry(doctorContext({}))).toEqual([
      expect.objectContaining({
        level: 'note',
        code: 'DORM-D008',
        message: expect.stringMatching(/^RETRY_ATTEMPTS resolves to 1/),
      }),
    ])
  })

  it('notes DORM_RETRY_ATTEMPTS=1 from the environment, and not when the setting overrides it', () => {
    vi.stubEnv('DORM_RETRY_ATTEMPTS', '1')
    configure({})
    expect(checkRetry(doctorContext({}))).toHaveLength(1)
    configure({ RETRY_ATTEMPTS: 5 })
    expect(checkRetry(doctorContext({}))).toEqual([])
  })
})
