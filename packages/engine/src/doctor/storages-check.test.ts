import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext } from './doctor-check.js'
import { checkStorages } from './storages-check.js'

const codes = (env: Record<string, string> = {}) => checkStorages(doctorContext(env)).map((f) => f.code)

describe('checkStorages', () => {
  afterEach(() => resetSettings())

  it('is quiet without STORAGES and for a well-formed one', () => {
    expect(codes()).toEqual([])
    configure({ STORAGES: {} })
    expect(codes()).toEqual([])
    configure({
      STORAGES: {
        default: { BACKEND: 'filesystem', OPTIONS: { location: '/var/app/media' } },
        uploads: { BACKEND: 's3', OPTIONS: { bucket: 'uploads', endpoint: 'https://s3.example.com' } },
        dev: { BACKEND: 's3', OPTIONS: { bucket: 'dev', endpoint: 'http://localhost:9000' } },
      },
    })
    expect(codes()).toEqual([])
  })

  it('warns on a missing default, a missing BACKEND and an S3 entry without a bucket', () => {
    configure({ STORAGES: { media: { OPTIONS: {} }, files: { BACKEND: 's3', OPTIONS: {} } } })
    const findings = checkStorages(doctorContext({}))
    expect(findings.map((f) => [f.level, f.code])).toEqual([
      ['warning', 'DORM-D010'],
      ['warning', 'DORM-D011'],
      ['warning', 'DORM-D014'],
    ])
    expect(findings[1]?.message).toBe("STORAGES['media']: no BACKEND; every entry needs BACKEND 'filesystem' or 's3'.")
  })

  it('warns on keys written into the settings, not on keys read from the environment', () => {
    configure({
      STORAGES: {
        default: { BACKEND: 's3', OPTIONS: { bucket: 'b', accessKeyId: 'AKIAFAKE', secretAccessKey: 'from-env' } },
      },
    })
    const [finding] = checkStorages(doctorContext({ AWS_SECRET_ACCESS_KEY: 'from-env' }))
    expect(finding).toMatchObject({ code: 'DORM-D012' })
    expect(finding?.message).toContain("STORAGES['default']: OPTIONS.accessKeyId hard-coded in the settings")
    expect(codes({ AWS_SECRET_ACCESS_KEY: 'from-env', AWS_ACCESS_KEY_ID: 'AKIAFAKE' })).toEqual([])
  })

  it('reads the Python original snake_case names too', () => {
    configure({
      STORAGES: {
        default: {
          BACKEND: 'dorm.contrib.storage.s3.S3Storage',
          OPTIONS: { bucket_name: 'b', access_key: 'k', endpoint_url: 'http://minio.internal:9000' },
        },
      },
    })
    expect(codes()).toEqual(['DORM-D012', 'DORM-D013'])
  })

  it('notes a filesystem storage without a location and skips custom backends', () => {
    configure({ STORAGES: { default: { BACKEND: 'filesystem' }, custom: { BACKEND: class Custom {} } } })
    expect(checkStorages(doctorContext({}))).toEqual([expect.objectContaining({ level: 'note', code: 'DORM-D015' })])
  })
})
