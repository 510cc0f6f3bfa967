import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { ImproperlyConfigured } from '../errors.js'
import { FileSystemStorage } from './filesystem-storage.js'
import { S3Storage } from './s3-storage.js'
import type { Storage } from './storage.js'
import { getStorage, resetStorages } from './storage-registry.js'

describe('getStorage', () => {
  afterEach(() => {
    resetStorages()
    resetSettings()
  })

  it('defaults to a filesystem storage at ./media without STORAGES', () => {
    const storage = getStorage() as FileSystemStorage
    expect(storage).toBeInstanceOf(FileSystemStorage)
    expect(storage.location).toBe(`${process.cwd()}/media`)
    expect(storage.baseUrl).toBe('/media/')
    expect(() => getStorage('media')).toThrow(/No storage 'media': STORAGES is not configured/)
  })

  it('builds each alias once and again after STORAGES changes', () => {
    configure({ STORAGES: { default: { BACKEND: 'filesystem', OPTIONS: { location: '/tmp/a', baseUrl: '/a' } } } })
    const first = getStorage()
    expect(getStorage()).toBe(first)
    expect((first as FileSystemStorage).baseUrl).toBe('/a/')
    configure({ STORAGES: { default: { BACKEND: 'filesystem', OPTIONS: { location: '/tmp/b' } } } })
    expect(getStorage()).not.toBe(first)
    expect((getStorage() as FileSystemStorage).location).toBe('/tmp/b')
  })

  it('refuses a STORAGES without default and an unknown alias', () => {
    configure({ STORAGES: { media: { BACKEND: 'filesystem' } } })
    expect(() => getStorage('media')).toThrow(ImproperlyConfigured)
    expect(() => getStorage('media')).toThrow(/STORAGES has no 'default' entry \(it has 'media'\)/)
    configure({ STORAGES: { default: { BACKEND: 'filesystem' } } })
    expect(() => getStorage('nope')).toThrow(/No storage 'nope' in STORAGES. Configured: 'default'/)
  })

  it('reads S3 options under the API names and the original snake_case names', () => {
    configure({
      STORAGES: {
        default: { BACKEND: 's3', OPTIONS: { bucket: 'b', customDomain: 'cdn.example.com' } },
        legacy: {
          BACKEND: 'dorm.contrib.storage.s3.S3Storage',
          OPTIONS: { bucket_name: 'old', querystring_expire: 60, default_acl: 'public-read', location: '/media/' },
        },
      },
    })
    const modern = getStorage() as S3Storage
    expect(modern).toBeInstanceOf(S3Storage)
    expect(modern).toMatchObject({ bucket: 'b', customDomain: 'cdn.example.com', querystringExpire: 3600 })
    expect(modern.defaultAcl).toBe('private')
    const legacy = getStorage('legacy') as S3Storage
    expect(legacy).toMatchObject({ bucket: 'old', querystringExpire: 60, defaultAcl: 'public-read', location: 'media' })
    expect(legacy.key('a/b.txt')).toBe('media/a/b.txt')
  })

  it('accepts a storage class as BACKEND', () => {
    class MemoryStorage {
      constructor(readonly options: Record<string, unknown>) {}
    }
    configure({ STORAGES: { default: { BACKEND: MemoryStorage, OPTIONS: { size: 3 } } } })
    const storage = getStorage() as unknown as MemoryStorage & Storage
    expect(storage).toBeInstanceOf(MemoryStorage)
    expect(storage.options).toEqual({ size: 3 })
  })

  it('says what is wrong with a bad entry', () => {
    const bad = (entry: unknown) => {
      resetStorages()
      configure({ STORAGES: { default: entry as Record<string, unknown> } })
      return () => getStorage()
    }
    expect(bad('filesystem')).toThrow(/STORAGES\['default'\] must be an object \{ BACKEND, OPTIONS \}/)
    expect(bad({ BACKEND: 'ftp' })).toThrow(/BACKEND must be 'filesystem', 's3' or a storage class, got "ftp"/)
    expect(bad({ BACKEND: 'filesystem', OPTIONS: { root: '/x' } })).toThrow(
      /unknown option 'root'. Known options: location, baseUrl/,
    )
    expect(bad({ BACKEND: 's3', OPTIONS: {} })).toThrow(/S3Storage needs OPTIONS.bucket/)
    expect(bad({ BACKEND: 's3', OPTIONS: { bucket: 'b', querystringExpire: 0 } })).toThrow(
      /querystringExpire must be an integer number of seconds from 1 to 604800/,
    )
    expect(bad({ BACKEND: 's3', OPTIONS: { bucket: 'b', accessKeyId: 'k' } })).toThrow(/only one of accessKeyId/)
  })
})
