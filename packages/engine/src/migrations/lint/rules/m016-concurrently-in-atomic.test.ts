import { describe, expect, it } from 'vitest'
import { Index } from '../../../models/constraints.js'
import { IntegerField } from '../../../models/fields/index.js'
import { AddIndex, RemoveIndex } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { concurrentlyInAtomic } from './m016-concurrently-in-atomic.js'
import { runRule } from './rule-test-helpers.js'

const index = new Index({ fields: ['score'], name: 'author_score_idx' })
const history = [new CreateModel({ name: 'Author', fields: { score: new IntegerField() } })]

describe('DORM-M016 concurrently-in-atomic', () => {
  it('flags AddIndex / RemoveIndex concurrently in an atomic migration', async () => {
    const hits = await runRule(concurrentlyInAtomic, {
      history,
      operations: [
        new AddIndex({ modelName: 'author', index, concurrently: true }),
        new RemoveIndex({ modelName: 'author', name: 'author_score_idx', concurrently: true }),
      ],
    })
    expect(hits).toHaveLength(2)
    expect(hits[0]?.message).toContain('cannot run inside a transaction block')
    expect(hits[0]?.help).toContain('atomic: false')
  })

  it('flags even on a model created in the same migration (it fails all the same)', async () => {
    const hits = await runRule(concurrentlyInAtomic, {
      operations: [...history, new AddIndex({ modelName: 'author', index, concurrently: true })],
    })
    expect(hits).toHaveLength(1)
  })

  it('is silent with atomic: false and for non-concurrent operations', async () => {
    expect(
      await runRule(concurrentlyInAtomic, {
        history,
        atomic: false,
        operations: [new AddIndex({ modelName: 'author', index, concurrently: true })],
      }),
    ).toEqual([])
    expect(
      await runRule(concurrentlyInAtomic, { history, operations: [new AddIndex({ modelName: 'author', index })] }),
    ).toEqual([])
  })

  it('flags raw CONCURRENTLY statements in an atomic migration', async () => {
    const hits = await runRule(concurrentlyInAtomic, {
      operations: [
        new RunSQL({
          sql: ['CREATE INDEX CONCURRENTLY i ON t (a)', 'DROP INDEX CONCURRENTLY j', 'REINDEX INDEX CONCURRENTLY k'],
        }),
      ],
    })
    expect(hits.map((h) => h.message.split(' runs')[0])).toEqual([
      'CREATE INDEX CONCURRENTLY',
      'DROP INDEX CONCURRENTLY',
      'REINDEX CONCURRENTLY',
    ])
  })

  it('in a non-atomic migration, flags only a CONCURRENTLY sharing its SQL string', async () => {
    const hits = await runRule(concurrentlyInAtomic, {
      atomic: false,
      operations: [
        new RunSQL({
          sql: ['CREATE INDEX CONCURRENTLY i ON t (a);', "SET lock_timeout = '1s'; DROP INDEX CONCURRENTLY j"],
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('DROP INDEX CONCURRENTLY runs in a SQL string with other statements')
  })
})
