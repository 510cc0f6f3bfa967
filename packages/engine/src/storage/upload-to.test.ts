import { describe, expect, it } from 'vitest'
import { ImproperlyConfigured } from '../errors.js'
import { checkUploadTo, formatDateTemplate, resolveUploadTo } from './upload-to.js'

const when = new Date('2025-03-09T07:05:04Z')

describe('uploadTo', () => {
  it('formats strftime date tokens in UTC', () => {
    expect(formatDateTemplate('i/%Y/%m/%d/%H%M%S/%y-%j-%%', when)).toBe('i/2025/03/09/070504/25-068-%')
  })

  it('joins a directory or a template with the file name', () => {
    expect(resolveUploadTo('', {}, 'a.txt', when)).toBe('a.txt')
    expect(resolveUploadTo('docs/', {}, 'a.txt', when)).toBe('docs/a.txt')
    expect(resolveUploadTo('docs/%Y/%m', {}, 'a.txt', when)).toBe('docs/2025/03/a.txt')
  })

  it('calls a function with the instance and the file name', () => {
    const doc = { ownerId: 7 }
    expect(resolveUploadTo((i, f) => `users/${(i as typeof doc).ownerId}/${f}`, doc, 'a.txt')).toBe('users/7/a.txt')
    expect(() => resolveUploadTo(() => '', doc, 'a.txt')).toThrow(/must return the storage name/)
  })

  it('refuses unknown tokens and non-strings at definition time', () => {
    expect(() => checkUploadTo('x/%B')).toThrow(ImproperlyConfigured)
    expect(() => checkUploadTo('x/%B')).toThrow(/'%B', which is not a supported date token/)
    expect(() => checkUploadTo(42)).toThrow(/must be a directory string/)
    expect(() => checkUploadTo('x/%Y')).not.toThrow()
  })
})
