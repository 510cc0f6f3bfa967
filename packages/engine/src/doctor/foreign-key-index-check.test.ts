import { describe, expect, it } from 'vitest'
import { Index, UniqueConstraint } from '../models/constraints.js'
import { CharField } from '../models/fields/char-field.js'
import { ForeignKey, OneToOneField } from '../models/fields/related-fields.js'
import { defineModel } from '../models/model.js'
import { doctorContext } from './doctor-check.js'
import { checkForeignKeyIndexes } from './foreign-key-index-check.js'

const Owner = defineModel('schemafix.Owner', { fields: { name: new CharField({ maxLength: 20 }) } })

defineModel('schemafix.Pet', {
  fields: {
    owner: new ForeignKey(() => Owner, { onDelete: 'CASCADE', dbIndex: false }),
    vet: new ForeignKey(() => Owner, { onDelete: 'CASCADE', dbIndex: false, relatedName: 'patients' }),
    walker: new ForeignKey(() => Owner, { onDelete: 'CASCADE', dbIndex: false, relatedName: 'walked' }),
    sitter: new ForeignKey(() => Owner, { onDelete: 'CASCADE', dbIndex: false, relatedName: 'sat' }),
    groomer: new ForeignKey(() => Owner, { onDelete: 'CASCADE', dbIndex: false, relatedName: 'groomed' }),
    badge: new OneToOneField(() => Owner, { onDelete: 'CASCADE', dbIndex: false, relatedName: 'badge' }),
    breeder: new ForeignKey(() => Owner, { onDelete: 'CASCADE', relatedName: 'bred' }),
    name: new CharField({ maxLength: 30 }),
  },
  meta: {
    // vet leads an index, walker only follows in one, sitter leads a uniqueTogether, groomer a UniqueConstraint
    indexes: [
      new Index({ fields: ['-vet', 'name'], name: 'pet_vet' }),
      new Index({ fields: ['name', 'walker'], name: 'pet_walker' }),
    ],
    uniqueTogether: [['sitter', 'name']],
    constraints: [new UniqueConstraint({ fields: ['groomer', 'name'], name: 'pet_groomer' })],
  },
})

defineModel('schemafix.Legacy', {
  fields: { owner: new ForeignKey(() => Owner, { onDelete: 'CASCADE', dbIndex: false, relatedName: 'legacy' }) },
  meta: { managed: false },
})

describe('checkForeignKeyIndexes', () => {
  it('warns for each dbIndex: false relation that no index or unique constraint leads with', () => {
    const findings = checkForeignKeyIndexes(doctorContext({}))
    expect(findings.map((f) => f.model)).toEqual(['schemafix.Pet.owner', 'schemafix.Pet.walker'])
    expect(findings[0]).toEqual({
      level: 'warning',
      code: 'DORM-D007',
      model: 'schemafix.Pet.owner',
      message:
        'schemafix.Pet.owner: ForeignKey without an index (dbIndex: false); joins on this FK will sequentially scan. ' +
        'Remove dbIndex: false or add an Index() leading with it in meta.indexes.',
    })
  })
})
