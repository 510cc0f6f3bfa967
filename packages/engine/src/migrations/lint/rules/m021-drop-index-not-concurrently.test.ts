import { describe, expect, it } from 'vitest'
import { Index } from '../../../models/constraints.js'
import { IntegerField } from '../../../models/fields/index.js'
import { AddIndex, RemoveIndex } from '../../operations/index-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { dropIndexNotConcurrently } from './m021-drop-index-not-concurrently.js'
import { runRule } from './rule-test-helpers.js'

const author = new CreateModel({ name: 'Author', fields: { score: new IntegerField() } })
const addIndex = new AddIndex({
  modelName: 'author',
  index: new Index({ fields: ['score'], name: 'author_score_idx' }),
})

describe('DORM-M021 drop-index-not-concurrently', () => {
  it('flags RemoveIndex without concurrently on an existing index', async () => {
    const hits = await runRule(dropIndexNotConcurrently, {
      history: [author, addIndex],
      operations: [new RemoveIndex({ modelName: 'author', name: 'author_score_idx' })],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain("ACCESS EXCLUSIVE on 'x_author'")
    expect(hits[0]?.help).toContain('concurrently: true')
  })

  it('is silent with concurrently, and for an index created in the same migration', async () => {
    expect(
      await runRule(dropIndexNotConcurrently, {
        history: [author, addIndex],
        atomic: false,
        operations: [new RemoveIndex({ modelName: 'author', name: 'author_score_idx', concurrently: true })],
      }),
    ).toEqual([])
    expect(
      await runRule(dropIndexNotConcurrently, {
        history: [author],
        operations: [addIndex, new RemoveIndex({ modelName: 'author', name: 'author_score_idx' })],
      }),
    ).toEqual([])
  })

  it('flags raw DROP INDEX, not CONCURRENTLY nor an index this RunSQL created', async () => {
    const hits = await runRule(dropIndexNotConcurrently, {
      operations: [
        new RunSQL({
          sql: 'DROP INDEX IF EXISTS old_idx; DROP INDEX CONCURRENTLY other_idx; CREATE INDEX tmp_idx ON t (a); DROP INDEX tmp_idx',
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('DROP INDEX old_idx without CONCURRENTLY')
  })
})
