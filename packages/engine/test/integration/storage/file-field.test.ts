/**
 * FileField on real databases: upload through the instance, read back through `url` (a
 * presigned S3 URL fetched over HTTP, and the file system URL mapped back to the file), the name
 * in a varchar column, and what deleting a row does to its file (kept by default, deleted after
 * commit with deleteFileWithRow, cascades included, kept when the delete rolls back).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { atomic, CharField, defineModel, ForeignKey, ValidationError } from '../../../src/index.js'
import { FieldFile, FileField, type FileSystemStorage, getStorage, resetStorages } from '../../../src/storage/index.js'
import { testBackends } from '../../support/backends.js'
import { setupOrmDatabase, teardownOrm, truncate } from '../../support/orm.js'
import { startS3Server, type TestS3Server } from '../../support/s3-server.js'

const Folder = defineModel('files.Folder', {
  fields: {
    title: new CharField({ maxLength: 100 }),
    attachment: new FileField({ uploadTo: 'docs/%Y/%m', maxLength: 120 }),
    cover: new FileField({ storage: 's3', uploadTo: 'covers', null: true, blank: true }),
  },
})

const Receipt = defineModel('files.Receipt', {
  fields: {
    folder: new ForeignKey(() => Folder, { onDelete: 'CASCADE' }),
    number: new CharField({ maxLength: 20 }),
    scan: new FileField({
      uploadTo: (instance, filename) => `receipts/${(instance as { number: string }).number}/${filename}`,
      deleteFileWithRow: true,
    }),
  },
})

const MODELS = [Folder, Receipt]

let media: string
let s3: TestS3Server

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'dorm-file-field-'))
  s3 = await startS3Server('dorm-files')
})

afterAll(async () => {
  await s3?.stop()
  await rm(media, { recursive: true, force: true })
})

describe('FileField definition', () => {
  it('is a varchar column holding the name, and migrations record its options', () => {
    const field = Folder.meta.getField('attachment') as FileField
    expect(field.dbType('postgresql')).toBe('varchar(120)')
    expect(field.column).toBe('attachment')
    expect(field.deconstruct()).toEqual({ kind: 'FileField', options: { uploadTo: 'docs/%Y/%m', maxLength: 120 } })
    expect((Receipt.meta.getField('scan') as FileField).deconstruct().options).toEqual({ maxLength: 255 })
  })

  it('refuses bad options with a message that shows the fix', () => {
    expect(() => new FileField({ maxLength: 0 })).toThrow(/maxLength must be a positive integer/)
    expect(() => new FileField({ uploadTo: 'x/%Q' })).toThrow(/'%Q', which is not a supported date token/)
    expect(() => new FileField({ storage: 42 as never })).toThrow(/storage must be a STORAGES alias/)
    expect(() => new FileField({ primaryKey: true } as never)).toThrow(/cannot be a primary key/)
  })
})

describe.each(testBackends())('FileField on %s', (backend) => {
  beforeAll(async () => {
    resetStorages()
    await setupOrmDatabase(backend, 'storage_file_field', MODELS, {
      STORAGES: {
        default: { BACKEND: 'filesystem', OPTIONS: { location: join(media, backend), baseUrl: '/media/' } },
        s3: {
          BACKEND: 's3',
          OPTIONS: {
            bucket: s3.bucket,
            location: backend,
            endpoint: s3.endpoint,
            region: 'us-east-1',
            ...s3.credentials,
          },
        },
      },
    })
  })
  afterAll(teardownOrm)

  it('uploads through the instance, saves the row, and reads back by name and url', async () => {
    const folder = new Folder({ title: 'Q1' })
    expect(folder.attachment).toBeInstanceOf(FieldFile)
    expect(folder.attachment.hasFile).toBe(false)
    await expect(folder.attachment.url).rejects.toThrow(/files.Folder.attachment has no file associated with it/)

    await folder.attachment.save('../../C:\\tmp\\Q1 report.txt', 'quarterly numbers')
    expect(folder.pk).not.toBeNull()
    const name = folder.attachment.name as string
    expect(name).toMatch(/^docs\/\d{4}\/\d{2}\/Q1 report\.txt$/)

    const fetched = await Folder.objects.get({ pk: folder.pk as number })
    expect(fetched.attachment).toBeInstanceOf(FieldFile)
    expect(fetched.attachment.name).toBe(name)
    expect(fetched.attachment.instance).toBe(fetched)
    expect(await fetched.attachment.size).toBe(17)
    expect((await fetched.attachment.read()).toString()).toBe('quarterly numbers')
    expect(JSON.parse(JSON.stringify(fetched)).attachment).toBe(name)
    expect(await Folder.objects.filter({ pk: folder.pk as number }).valuesList('attachment', { flat: true })).toEqual([
      name,
    ])

    // the URL maps back to the very file under the storage location
    const url = await fetched.attachment.url
    expect(url).toBe(`/media/${name.replace(' ', '%20')}`)
    const storage = getStorage() as FileSystemStorage
    const fromUrl = decodeURIComponent(url.slice(storage.baseUrl.length))
    expect(fetched.attachment.path).toBe(join(storage.location, fromUrl))
  })

  it('serves S3-backed files through a presigned url that plain fetch can read', async () => {
    const folder = await Folder.objects.create({ title: 'with cover' })
    expect(folder.cover.name).toBeNull()
    await folder.cover.save('cover.png', Buffer.from('PNG bytes'))
    const fetched = await Folder.objects.get({ pk: folder.pk as number })
    expect(fetched.cover.name).toBe('covers/cover.png')
    const url = await fetched.cover.url
    expect(url).toContain('X-Amz-Signature=')
    const response = await fetch(url)
    expect(await response.text()).toBe('PNG bytes')
    expect(response.headers.get('content-type')).toBe('image/png')
  })

  it('makes names unique and keeps them within maxLength', async () => {
    const a = await Folder.objects.create({ title: 'a' })
    const b = await Folder.objects.create({ title: 'b' })
    await a.attachment.save(`${'long'.repeat(40)}.txt`, 'a')
    await b.attachment.save(`${'long'.repeat(40)}.txt`, 'b')
    expect(a.attachment.name).not.toBe(b.attachment.name)
    for (const doc of [a, b]) expect((doc.attachment.name as string).length).toBeLessThanOrEqual(120)
    expect((await b.attachment.read()).toString()).toBe('b')
  })

  it('delete() removes the file and clears the column; fullClean wants a file', async () => {
    const folder = await Folder.objects.create({ title: 'temp' })
    await folder.attachment.save('temp.txt', 'x')
    const name = folder.attachment.name as string
    await folder.attachment.delete()
    expect(await getStorage().exists(name)).toBe(false)
    const fetched = await Folder.objects.get({ pk: folder.pk as number })
    expect(fetched.attachment.name).toBeNull()
    expect(() => fetched.fullClean()).toThrow(ValidationError)
    expect(() => fetched.fullClean()).toThrow(/attachment: This field cannot be blank/)
    expect(await Folder.objects.filter({ pk: folder.pk as number }).valuesList('cover', { flat: true })).toEqual([null])
  })

  it('keeps the file when the row is deleted, unless the field asks otherwise', async () => {
    await truncate(MODELS)
    const folder = await Folder.objects.create({ title: 'kept' })
    await folder.attachment.save('kept.txt', 'still here')
    const kept = folder.attachment.name as string
    const receipt = new Receipt({ folder, number: 'R-1' })
    await receipt.scan.save('scan.pdf', '%PDF')
    expect(receipt.scan.name).toBe('receipts/R-1/scan.pdf')

    await receipt.delete()
    await vi.waitFor(async () => expect(await getStorage().exists('receipts/R-1/scan.pdf')).toBe(false))

    const cascaded = new Receipt({ folder, number: 'R-2' })
    await cascaded.scan.save('scan.pdf', '%PDF')
    await folder.delete()
    await vi.waitFor(async () => expect(await getStorage().exists('receipts/R-2/scan.pdf')).toBe(false))
    expect(await getStorage().exists(kept)).toBe(true)
  })

  it('keeps the file when the delete rolls back', async () => {
    const folder = await Folder.objects.create({ title: 'rollback' })
    const receipt = new Receipt({ folder, number: 'R-3' })
    await receipt.scan.save('scan.pdf', '%PDF')
    await expect(
      atomic(async () => {
        await receipt.delete()
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(await Receipt.objects.filter({ number: 'R-3' }).count()).toBe(1)
    // a committed delete of another row afterwards proves the hook has run by the time we look
    const other = new Receipt({ folder, number: 'R-4' })
    await other.scan.save('scan.pdf', '%PDF')
    await other.delete()
    await vi.waitFor(async () => expect(await getStorage().exists('receipts/R-4/scan.pdf')).toBe(false))
    expect(await getStorage().exists('receipts/R-3/scan.pdf')).toBe(true)
  })
})
