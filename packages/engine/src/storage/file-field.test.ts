import { describe, expect, it } from 'vitest'
import { fieldDoc, ImportSet } from '../migrations/field-serializer.js'
import { print } from '../migrations/source-layout.js'
import { defineModel } from '../models/model.js'
import { FieldFile } from './field-file.js'
import { FileField } from './file-field.js'

const Doc = defineModel('unitfiles.Doc', {
  fields: {
    file: new FileField({ uploadTo: 'docs' }),
    optional: new FileField({ null: true, blank: true, storage: 'media' }),
  },
})

describe('FileField', () => {
  it('is written into migrations as an @dorm/engine class', () => {
    const imports = new ImportSet()
    expect(print(fieldDoc(new FileField({ uploadTo: 'docs/%Y', maxLength: 100 }), imports))).toBe(
      "new FileField({ uploadTo: 'docs/%Y', maxLength: 100 })",
    )
    expect(imports.engine.has('FileField')).toBe(true)
    expect(print(fieldDoc(new FileField({ uploadTo: () => 'x', deleteFileWithRow: true }), imports))).toBe(
      'new FileField({ maxLength: 255 })',
    )
  })

  it('holds a FieldFile bound to the instance, whatever is assigned', () => {
    const doc = new Doc()
    expect(doc.file).toBeInstanceOf(FieldFile)
    expect(doc.file).toBe(doc.file)
    expect(doc.file.name).toBeNull()
    const other = new Doc()
    other.file.name = 'docs/a.txt'
    doc.file = other.file
    expect(doc.file.name).toBe('docs/a.txt')
    expect(doc.file.instance).toBe(doc)
    ;(doc as { file: unknown }).file = 'docs/b.txt'
    expect(`${doc.file}`).toBe('docs/b.txt')
    ;(doc as { file: unknown }).file = null
    expect(doc.file.hasFile).toBe(false)
    expect(() => {
      ;(doc as { file: unknown }).file = 42
    }).toThrow(/takes a storage name \(string\), a FieldFile or null, got number.*\.save\(filename, content\)/)
  })

  it('stores the name, an empty string or NULL', () => {
    const field = Doc.meta.getField('file') as FileField
    const optional = Doc.meta.getField('optional') as FileField
    const doc = new Doc()
    expect(field.toDb(doc.file, 'sqlite')).toBe('')
    expect(optional.toDb(doc.optional, 'sqlite')).toBeNull()
    doc.file.name = 'docs/a.txt'
    expect(field.toDb(doc.file, 'postgresql')).toBe('docs/a.txt')
    expect(field.toDb('docs/b.txt', 'postgresql')).toBe('docs/b.txt')
    expect(() => field.toDb('a\u0000b', 'postgresql')).toThrow(/NUL/)
    expect(() => field.clean(3)).toThrow(/expects a storage name/)
  })

  it('validates blank and length', () => {
    const field = Doc.meta.getField('file') as FileField
    const optional = Doc.meta.getField('optional') as FileField
    const doc = new Doc()
    expect(field.validate(doc.file)).toEqual(['This field cannot be blank.'])
    expect(optional.validate(doc.optional)).toEqual([])
    doc.file.name = 'x'.repeat(300)
    expect(field.validate(doc.file)).toEqual(['Ensure this file name has at most 255 characters (it has 300).'])
  })
})
