import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { defineModel } from '../models/model.js'
import { FileField } from '../storage/file-field.js'
import { doctorContext } from './doctor-check.js'
import { checkStorages } from './storages-check.js'

const media = mkdtempSync(join(tmpdir(), 'dorm-doctor-media-'))
const Upload = defineModel('doctorstorage.Upload', { fields: { file: new FileField() } })

const codes = (env: Record<string, string> = {}) =>
  checkStorages({ ...doctorContext(env), models: [] }).map((f) => f.code)

describe('checkStorages', () => {
  afterEach(() => resetSettings())
  afterAll(() => rmSync(media, { recursive: true, force: true }))

  it('is quiet without STORAGES and for a well-formed one', () => {
    expect(codes()).toEqual([])
    configure({ STORAGES: {} })
    expect(codes()).toEqual([])
    configure({
      STORAGES: {
        default: { BACKEND: 'filesystem', OPTIONS: { location: media } },
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

  it('warns when a filesystem location is missing or not a directory', () => {
    const file = join(media, 'a-file')
    writeFileSync(file, 'x')
    configure({
      STORAGES: {
        default: { BACKEND: 'filesystem', OPTIONS: { location: join(media, 'not-mounted') } },
        other: { BACKEND: 'filesystem', OPTIONS: { location: file } },
      },
    })
    const findings = checkStorages(doctorContext({}))
    expect(findings.map((f) => [f.level, f.code])).toEqual([
      ['warning', 'DORM-D020'],
      ['warning', 'DORM-D020'],
    ])
    expect(findings[0]?.message).toContain('does not exist (is the volume mounted?); uploads will fail')
    expect(findings[1]?.message).toContain(`location '${file}' is not a directory`)
  })

  it('notes a FileField in use while STORAGES is empty', () => {
    expect(checkStorages({ ...doctorContext({}), models: [] })).toEqual([])
    const [finding] = checkStorages({ ...doctorContext({}), models: [Upload] })
    expect(finding).toMatchObject({ level: 'note', code: 'DORM-D021' })
    expect(finding?.message).toContain('FileField in use (doctorstorage.Upload.file) but STORAGES is empty')
  })
})
