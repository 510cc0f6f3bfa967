import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileNotFound, FileSystemStorage, StorageError, SuspiciousFileOperation } from '../../../src/storage/index.js'
import { generatedStream } from '../../support/generated-stream.js'

let base: string
let location: string
let outside: string
let storage: FileSystemStorage

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true })
  return entries.map(String).sort()
}

async function text(stream: Readable): Promise<string> {
  let out = ''
  for await (const chunk of stream) out += Buffer.from(chunk as Uint8Array).toString('utf8')
  return out
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'dorm-fs-storage-'))
  location = join(base, 'media')
  outside = join(base, 'outside')
  await mkdir(location)
  await mkdir(outside)
  await writeFile(join(outside, 'secret.txt'), 'top secret')
  await symlink(outside, join(location, 'escape'))
  await symlink(join(outside, 'secret.txt'), join(location, 'secret-link.txt'))
  await symlink(join(outside, 'not-yet.txt'), join(location, 'dangling.txt'))
  await mkdir(join(location, 'inner'))
  await symlink(join(location, 'inner'), join(location, 'inner-link'))
  storage = new FileSystemStorage({ location, baseUrl: '/media/' })
})

afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('FileSystemStorage round trip', () => {
  it('saves, reads, sizes, links and deletes', async () => {
    const name = await storage.save('docs/hello world.txt', 'hello')
    expect(name).toBe('docs/hello world.txt')
    expect(await storage.exists(name)).toBe(true)
    expect(await text(await storage.open(name))).toBe('hello')
    expect(await storage.size(name)).toBe(5)
    expect(await storage.url(name)).toBe('/media/docs/hello%20world.txt')
    expect(storage.path(name)).toBe(join(location, 'docs', 'hello world.txt'))
    await storage.delete(name)
    expect(await storage.exists(name)).toBe(false)
    await storage.delete(name) // a missing file is not an error
    await expect(storage.open(name)).rejects.toThrow(FileNotFound)
    await expect(storage.size(name)).rejects.toThrow(/File 'docs\/hello world.txt' does not exist/)
  })

  it('gives a taken name a short random suffix, also when saves race for it', async () => {
    const first = await storage.save('race/a.txt', 'first')
    const second = await storage.save('race/a.txt', 'second')
    expect(first).toBe('race/a.txt')
    expect(second).toMatch(/^race\/a_[0-9a-f]{7}\.txt$/)
    const names = await Promise.all(Array.from({ length: 12 }, (_, i) => storage.save('race/b.txt', `content ${i}`)))
    expect(new Set(names).size).toBe(12)
    const contents = await Promise.all(names.map(async (n) => text(await storage.open(n))))
    expect(contents.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `content ${i}`).sort())
    expect(await text(await storage.open(first))).toBe('first')
  })

  it('respects maxLength when it picks a name', async () => {
    const name = await storage.save(`long/${'n'.repeat(80)}.txt`, 'x', { maxLength: 40 })
    expect(name).toHaveLength(40)
    const again = await storage.save(name, 'y', { maxLength: 40 })
    expect(again).toHaveLength(40)
    expect(again).not.toBe(name)
  })

  it('never leaves a partial file under the final name when the content stream fails', async () => {
    let sent = 0
    const failing = new Readable({
      read() {
        sent++
        if (sent < 4) this.push(Buffer.alloc(64 * 1024, 1))
        else this.destroy(new Error('client went away'))
      },
    })
    const error = await storage.save('partial/upload.bin', failing).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as Error).message).toMatch(/Could not save 'partial\/upload.bin' .*client went away/)
    expect(await storage.exists('partial/upload.bin')).toBe(false)
    expect(await readdir(join(location, 'partial'))).toEqual([])
  })

  it('refuses unsupported content with a clear message', async () => {
    await expect(storage.save('x.txt', 42 as never)).rejects.toThrow(/Cannot save a number as file content/)
  })

  it('streams other content types: Blob, web stream, async iterable', async () => {
    const blob = await storage.save('kinds/blob.txt', new Blob(['from a blob']))
    const web = await storage.save('kinds/web.txt', new Blob(['from a web stream']).stream())
    const iter = await storage.save(
      'kinds/iter.txt',
      (async function* () {
        yield Buffer.from('from ')
        yield Buffer.from('an iterable')
      })(),
    )
    expect(await text(await storage.open(blob))).toBe('from a blob')
    expect(await text(await storage.open(web))).toBe('from a web stream')
    expect(await text(await storage.open(iter))).toBe('from an iterable')
  })
})

describe('FileSystemStorage traversal corpus', () => {
  const marker = `dorm-escape-${randomBytes(4).toString('hex')}`
  const refused = [
    `../${marker}.txt`,
    `../../${marker}.txt`,
    `a/../../${marker}.txt`,
    `./../${marker}.txt`,
    `/tmp/${marker}.txt`,
    `..\\${marker}.txt`,
    `a\\..\\..\\${marker}.txt`,
    `C:\\${marker}.txt`,
    `\\\\server\\share\\${marker}.txt`,
    `${marker}\u0000.txt`,
    `ok.txt\u0000/../../${marker}`,
    `escape/${marker}.txt`,
    `escape/sub/${marker}.txt`,
    'secret-link.txt',
    'dangling.txt',
    'escape',
  ]
  const sanitised = [
    `%2e%2e/${marker}.txt`,
    `%2e%2e%2f${marker}.txt`,
    `..%2f..%2f${marker}.txt`,
    `%252e%252e/${marker}.txt`,
    `....//${marker}.txt`,
    `.../${marker}.txt`,
    `\u2025/${marker}.txt`,
    `${'x'.repeat(5000)}.txt`,
    `inner-link/${marker}.txt`,
    `a/b/c/<>:"|?*${marker}.txt`,
  ]

  it('refuses every escape on save, open, exists, size, delete and path', async () => {
    for (const name of refused) {
      await expect(storage.save(name, 'pwned'), name).rejects.toThrow(SuspiciousFileOperation)
      await expect(storage.open(name), name).rejects.toThrow(SuspiciousFileOperation)
      await expect(storage.exists(name), name).rejects.toThrow(SuspiciousFileOperation)
      await expect(storage.size(name), name).rejects.toThrow(SuspiciousFileOperation)
      await expect(storage.delete(name), name).rejects.toThrow(SuspiciousFileOperation)
      expect(() => storage.path(name), name).toThrow(SuspiciousFileOperation)
    }
    await expect(storage.open('escape/secret.txt')).rejects.toThrow(/resolves outside the storage root/)
    await expect(storage.delete('escape/secret.txt')).rejects.toThrow(SuspiciousFileOperation)
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret')
  })

  it('sanitises the rest into names that stay inside the location', async () => {
    for (const name of sanitised) {
      const saved = await storage.save(name, 'inside')
      expect(saved, name).not.toMatch(/(^|\/)\.\.(\/|$)/)
      expect(storage.path(saved).startsWith(`${location}/`), name).toBe(true)
      expect(await text(await storage.open(saved)), name).toBe('inside')
      for (const part of saved.split('/')) expect(part.length, name).toBeLessThanOrEqual(255)
    }
  })

  it('wrote nothing outside the location', async () => {
    expect(await listTree(outside)).toEqual(['secret.txt'])
    expect(await listTree(base).then((all) => all.filter((p) => !p.startsWith('media')))).toEqual([
      'outside',
      'outside/secret.txt',
    ])
    expect(existsSync(`/tmp/${marker}.txt`)).toBe(false)
    expect(existsSync(join(tmpdir(), `${marker}.txt`))).toBe(false)
  })
})

describe('FileSystemStorage with a large file', () => {
  const MIB = 1024 * 1024
  const TOTAL = 200 * MIB

  it('saves and reads back 200 MB with flat memory', async () => {
    const CHUNK = 64 * 1024
    const { stream: source, digest } = generatedStream(TOTAL, CHUNK)
    const before = process.memoryUsage()
    let peakRss = before.rss
    let peakBuffers = before.arrayBuffers
    const sampler = setInterval(() => {
      const now = process.memoryUsage()
      peakRss = Math.max(peakRss, now.rss)
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers)
    }, 5)
    try {
      const name = await storage.save('big/blob.bin', source)
      expect(await storage.size(name)).toBe(TOTAL)
      const actual = createHash('sha256')
      let read = 0
      for await (const chunk of await storage.open(name)) {
        actual.update(chunk as Buffer)
        read += (chunk as Buffer).length
      }
      expect(read).toBe(TOTAL)
      expect(actual.digest('hex')).toBe(digest())
      await storage.delete(name)
    } finally {
      clearInterval(sampler)
    }
    expect(peakRss - before.rss).toBeLessThan(64 * MIB)
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(64 * MIB)
  })
})
