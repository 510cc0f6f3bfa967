import { describe, expect, it } from 'vitest'
import { StorageError, SuspiciousFileOperation } from './storage-errors.js'
import {
  checkName,
  cleanName,
  findAvailableName,
  getValidName,
  MAX_COMPONENT_LENGTH,
  splitName,
} from './storage-names.js'

describe('getValidName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\My Report (final).pdf', 'My Report _final_.pdf'],
    ['..', 'file'],
    ['', 'file'],
    ['  .hidden. ', 'hidden'],
    ['a\u0000b.txt', 'a_b.txt'],
    ['résumé.pdf', 'r_sum_.pdf'],
    ['%2e%2e%2fetc', '_2e_2e_2fetc'],
    ['a+b c-d_e.tar.gz', 'a+b c-d_e.tar.gz'],
  ])('%j -> %j', (input, expected) => {
    expect(getValidName(input)).toBe(expected)
  })
})

describe('checkName', () => {
  it('normalises separators and dot components', () => {
    expect(checkName('uploads\\2025/./a.txt')).toBe('uploads/2025/a.txt')
    expect(checkName('a//b/')).toBe('a/b')
  })

  it.each([
    ['../x'],
    ['a/../../x'],
    ['..\\..\\x'],
    ['/etc/passwd'],
    ['\\\\server\\share\\x'],
    ['C:\\Windows\\x'],
    ['c:x'],
    ['a\u0000.txt'],
    [''],
    ['   '],
    ['./.'],
  ])('refuses %j', (name) => {
    expect(() => checkName(name)).toThrow(SuspiciousFileOperation)
  })

  it('says what was wrong and how to fix it', () => {
    expect(() => checkName('../secret')).toThrow(/'\.\.' component would leave the storage root.*getValidName/)
    expect(() => checkName('/etc/passwd')).toThrow(/absolute path/)
    expect(() => checkName('a\u0000')).toThrow(/NUL byte/)
  })

  it('never decodes percent-encoding', () => {
    expect(checkName('%2e%2e/x')).toBe('%2e%2e/x')
  })
})

describe('cleanName', () => {
  it('sanitises every component and caps its length, keeping the extension', () => {
    expect(cleanName('up loads/<script>.js')).toBe('up loads/_script_.js')
    const long = cleanName(`dir/${'a'.repeat(400)}.txt`)
    const base = long.split('/')[1] as string
    expect(base).toHaveLength(MAX_COMPONENT_LENGTH)
    expect(base.endsWith('.txt')).toBe(true)
  })
})

describe('splitName', () => {
  it('splits directory, stem and extension', () => {
    expect(splitName('a/b.tar.gz')).toEqual(['a', 'b.tar', '.gz'])
    expect(splitName('.env')).toEqual(['', '.env', ''])
    expect(splitName('plain')).toEqual(['', 'plain', ''])
  })
})

describe('findAvailableName', () => {
  it('keeps a free name and suffixes a taken one with 7 hex characters', async () => {
    expect(await findAvailableName('a/b.txt', { exists: async () => false })).toBe('a/b.txt')
    const taken = new Set(['a/b.txt'])
    const name = await findAvailableName('a/b.txt', { exists: async (n) => taken.has(n) })
    expect(name).toMatch(/^a\/b_[0-9a-f]{7}\.txt$/)
  })

  it('cuts the stem to fit maxLength, suffix and extension included', async () => {
    const taken = new Set<string>()
    const first = await findAvailableName(`d/${'x'.repeat(50)}.txt`, {
      maxLength: 20,
      exists: async (n) => taken.has(n),
    })
    expect(first).toBe(`d/${'x'.repeat(14)}.txt`)
    taken.add(first)
    const second = await findAvailableName(first, { maxLength: 20, exists: async (n) => taken.has(n) })
    expect(second).toHaveLength(20)
    expect(second).toMatch(/^d\/x{6}_[0-9a-f]{7}\.txt$/)
  })

  it('refuses when nothing fits and gives up after 100 attempts', async () => {
    await expect(findAvailableName('directory/a.txt', { maxLength: 12, exists: async () => true })).rejects.toThrow(
      /does not fit in maxLength 12/,
    )
    let calls = 0
    const always = async () => {
      calls++
      return true
    }
    await expect(findAvailableName('a.txt', { exists: always })).rejects.toThrow(StorageError)
    expect(calls).toBe(100)
  })
})
