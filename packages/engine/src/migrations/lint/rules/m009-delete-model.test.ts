import { describe, expect, it } from 'vitest'
import { TextField } from '../../../models/fields/index.js'
import { CreateModel, DeleteModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { deleteModel } from './m009-delete-model.js'
import { runRule } from './rule-test-helpers.js'

const legacy = new CreateModel({ name: 'Legacy', fields: { note: new TextField() } })

describe('DORM-M009 delete-model', () => {
  it('flags DeleteModel of an existing model', async () => {
    const hits = await runRule(deleteModel, { history: [legacy], operations: [new DeleteModel({ name: 'Legacy' })] })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("drops table 'x_legacy'")
    expect(hits[0]?.message).toContain('ACCESS EXCLUSIVE')
  })

  it('is silent for unmanaged models and models created in the same migration', async () => {
    const unmanaged = new CreateModel({ name: 'View', fields: { note: new TextField() }, options: { managed: false } })
    expect(
      await runRule(deleteModel, { history: [unmanaged], operations: [new DeleteModel({ name: 'View' })] }),
    ).toEqual([])
    expect(await runRule(deleteModel, { operations: [legacy, new DeleteModel({ name: 'Legacy' })] })).toEqual([])
  })

  it('flags each existing table of a raw DROP TABLE', async () => {
    const hits = await runRule(deleteModel, {
      operations: [new RunSQL({ sql: 'CREATE TABLE tmp (a int); DROP TABLE IF EXISTS public.x_legacy, tmp' })],
    })
    expect(hits.map((h) => h.message.split("'")[1])).toEqual(['x_legacy'])
  })
})
