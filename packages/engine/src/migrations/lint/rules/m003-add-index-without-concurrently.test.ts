import { describe, expect, it } from 'vitest'
import { Index } from '../../../models/constraints.js'
import { BigAutoField, CharField } from '../../../models/fields/index.js'
import { AddIndex } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { addIndexWithoutConcurrently } from './m003-add-index-without-concurrently.js'
import { runRule } from './rule-test-helpers.js'

const order = new CreateModel({
  name: 'Order',
  fields: { id: new BigAutoField({ primaryKey: true }), status: new CharField({ maxLength: 20 }) },
})
const addIndex = (concurrently?: boolean) =>
  new AddIndex({
    modelName: 'order',
    index: new Index({ fields: ['status'], name: 'order_status_idx' }),
    ...(concurrently === undefined ? {} : { concurrently }),
  })

describe('DORM-M003 add-index-without-concurrently', () => {
  it('fires on PostgreSQL without concurrently, naming the table and the lock', async () => {
    const [hit] = await runRule(addIndexWithoutConcurrently, { history: [order], operations: [addIndex()] })
    expect(hit?.message).toBe(
      'AddIndex without concurrently=True locks x_order on PostgreSQL while the index builds: CREATE INDEX takes ' +
        'a SHARE lock, so every INSERT, UPDATE and DELETE waits until the whole table is indexed.',
    )
    expect(hit?.help).toContain('atomic: false')
  })

  it('passes with concurrently, on SQLite, and on a table created in the same migration', async () => {
    expect(await runRule(addIndexWithoutConcurrently, { history: [order], operations: [addIndex(true)] })).toEqual([])
    expect(
      await runRule(addIndexWithoutConcurrently, {
        history: [order],
        operations: [addIndex()],
        target: { vendor: 'sqlite' },
      }),
    ).toEqual([])
    expect(await runRule(addIndexWithoutConcurrently, { operations: [order, addIndex()] })).toEqual([])
  })
})
