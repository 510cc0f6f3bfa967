import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext } from './doctor-check.js'
import { checkPrepareThreshold } from './prepare-threshold-check.js'

describe('checkPrepareThreshold', () => {
  afterEach(() => resetSettings())

  it('warns when a pooled alias still prepares statements', () => {
    configure({
      DATABASES: {
        default: 'postgres://app@bouncer:6432/app',
        quiet: { URL: 'postgres://app@bouncer:6432/app', PREPARE_THRESHOLD: null },
        direct: 'postgres://app@db:5432/app',
      },
    })
    expect(checkPrepareThreshold(doctorContext({}))).toEqual([
      {
        level: 'warning',
        code: 'DORM-D018',
        alias: 'default',
        message:
          "DATABASES['default']: PREPARE_THRESHOLD=5 behind a connection pooler (port 6432 (PgBouncer)); named " +
          'prepared statements break under transaction pooling. Set PREPARE_THRESHOLD: null.',
      },
    ])
  })
})
