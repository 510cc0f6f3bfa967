import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileNotFound, S3Storage, type S3StorageOptions, SuspiciousFileOperation } from '../../../src/storage/index.js'
import { generatedStream } from '../../support/generated-stream.js'
import { startS3Server, type TestS3Server } from '../../support/s3-server.js'

let s3: TestS3Server
let storage: S3Storage

function storageWith(options: Partial<S3StorageOptions> = {}): S3Storage {
  return new S3Storage({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    ...s3.credentials,
    location: 'media',
    ...options,
  })
}

async function text(stream: Readable): Promise<string> {
  let out = ''
  for await (const chunk of stream) out += Buffer.from(chunk as Uint8Array).toString('utf8')
  return out
}

beforeAll(async () => {
  s3 = await startS3Server('dorm-uploads')
  storage = storageWith()
})

afterAll(async () => {
  await s3?.stop()
})

describe('S3Storage against a real S3-compatible server', () => {
  it('saves, reads, checks, sizes and deletes under the location prefix', async () => {
    const name = await storage.save('docs/hello world.txt', 'hello s3')
    expect(name).toBe('docs/hello world.txt')
    expect(storage.key(name)).toBe('media/docs/hello world.txt')
    expect(await storage.exists(name)).toBe(true)
    expect(await storage.size(name)).toBe(8)
    expect(await text(await storage.open(name))).toBe('hello s3')
    await storage.delete(name)
    expect(await storage.exists(name)).toBe(false)
    await storage.delete(name)
    await expect(storage.open(name)).rejects.toThrow(FileNotFound)
    await expect(storage.size(name)).rejects.toThrow(/does not exist in bucket 'dorm-uploads'/)
  })

  it('gives a taken key a random suffix unless fileOverwrite is on', async () => {
    const first = await storage.save('same.txt', 'one')
    const second = await storage.save('same.txt', 'two')
    expect(second).toMatch(/^same_[0-9a-f]{7}\.txt$/)
    const overwriting = storageWith({ fileOverwrite: true })
    expect(await overwriting.save('same.txt', 'three')).toBe(first)
    expect(await text(await storage.open(first))).toBe('three')
  })

  it('sanitises names and refuses traversal like the file system storage', async () => {
    expect(await storage.save('a/<b>.txt', 'x')).toBe('a/_b_.txt')
    await expect(storage.save('../escape.txt', 'x')).rejects.toThrow(SuspiciousFileOperation)
    await expect(storage.open('/abs.txt')).rejects.toThrow(SuspiciousFileOperation)
    expect(storage.getValidName('../../etc/passwd')).toBe('passwd')
  })

  it('presigns URLs that plain fetch can use, and that expire', async () => {
    const name = await storage.save('private/report.txt', 'signed content')
    const url = await storage.url(name)
    expect(url).toContain(`${s3.endpoint}/dorm-uploads/media/private/report.txt?`)
    expect(url).toContain('X-Amz-Signature=')
    expect(url).toContain('X-Amz-Expires=3600')
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('signed content')

    const shortLived = await storageWith({ querystringExpire: 1 }).url(name)
    expect(shortLived).toContain('X-Amz-Expires=1&')
    await sleep(2500)
    const expired = await fetch(shortLived)
    expect(expired.status).toBe(403)
    expect(await expired.text()).toContain('Request has expired')
  })

  it('returns a plain CDN URL with customDomain, with no signature', async () => {
    const cdn = storageWith({ customDomain: 'cdn.example.com' })
    expect(await cdn.url('docs/a b.txt')).toBe('https://cdn.example.com/media/docs/a%20b.txt')
    const unsigned = storageWith({ querystringAuth: false })
    expect(await unsigned.url('x.txt')).toBe(`${s3.endpoint}/dorm-uploads/media/x.txt`)
  })

  it('uses the standard AWS credential chain when no keys are given', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY }
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey
    try {
      const fromEnv = new S3Storage({ bucket: s3.bucket, endpoint: s3.endpoint, region: 'us-east-1' })
      const name = await fromEnv.save('env.txt', 'from the chain')
      expect(await text(await fromEnv.open(name))).toBe('from the chain')
    } finally {
      restoreEnv('AWS_ACCESS_KEY_ID', saved.id)
      restoreEnv('AWS_SECRET_ACCESS_KEY', saved.secret)
    }
  })

  it('uploads a 50 MB stream in parts and reads it back intact', async () => {
    const MIB = 1024 * 1024
    const TOTAL = 50 * MIB
    const { stream: source, digest } = generatedStream(TOTAL, 256 * 1024)
    const commands: string[] = []
    const client = await storage.client()
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName))
        return next(args)
      },
      { step: 'initialize', name: 'recordCommands' },
    )
    try {
      const name = await storage.save('big/archive.bin', source)
      expect(commands).toContain('CreateMultipartUploadCommand')
      expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(7) // 8 MiB parts
      expect(commands).toContain('CompleteMultipartUploadCommand')
      expect(commands).not.toContain('PutObjectCommand')
      expect(await storage.size(name)).toBe(TOTAL)
      const actual = createHash('sha256')
      for await (const chunk of await storage.open(name)) actual.update(chunk as Buffer)
      expect(actual.digest('hex')).toBe(digest())
    } finally {
      client.middlewareStack.remove('recordCommands')
    }
  })

  it('reports a missing bucket as a storage error that names the bucket and the permissions', async () => {
    const wrong = storageWith({ bucket: 'no-such-bucket' })
    await expect(wrong.save('a.txt', 'x')).rejects.toThrow(/in bucket 'no-such-bucket'.*s3:PutObject/)
  })
})

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key]
  else process.env[key] = value
}
