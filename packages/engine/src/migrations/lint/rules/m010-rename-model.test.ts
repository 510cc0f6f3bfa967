import { describe, expect, it } from 'vitest'
import { TextField } from '../../../models/fields/index.js'
import { AlterModelTable, CreateModel, RenameModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { renameModel } from './m010-rename-model.js'
import { runRule } from './rule-test-helpers.js'

const legacy = new CreateModel({ name: 'Legacy', fields: { note: new TextField() } })

describe('DORM-M010 rename-model', () => {
  it('flags RenameModel and AlterModelTable that move the table', async () => {
    const renamed = await runRule(renameModel, {
      history: [legacy],
      operations: [new RenameModel({ oldName: 'Legacy', newName: 'Archive' })],
    })
    expect(renamed[0]?.message).toContain("renames table 'x_legacy' to 'x_archive'")
    const moved = await runRule(renameModel, {
      history: [legacy],
      operations: [new AlterModelTable({ name: 'Legacy', table: 'old_stuff' })],
    })
    expect(moved[0]?.message).toContain("'x_legacy' to 'old_stuff'")
  })

  it('is silent when dbTable keeps the table name, and for models created here', async () => {
    const pinned = new CreateModel({
      name: 'Legacy',
      fields: { note: new TextField() },
      options: { dbTable: 'legacy' },
    })
    expect(
      await runRule(renameModel, {
        history: [pinned],
        operations: [new RenameModel({ oldName: 'Legacy', newName: 'Archive' })],
      }),
    ).toEqual([])
    expect(
      await runRule(renameModel, { operations: [legacy, new RenameModel({ oldName: 'Legacy', newName: 'Archive' })] }),
    ).toEqual([])
  })

  it('flags raw ALTER TABLE RENAME TO but not ALTER INDEX RENAME', async () => {
    const hits = await runRule(renameModel, {
      operations: [new RunSQL({ sql: 'ALTER TABLE x_legacy RENAME TO x_archive; ALTER INDEX i RENAME TO j' })],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("'x_legacy' to 'x_archive'")
  })
})
