import { describe, expect, it } from 'vitest'
import {
  currentRelationAccess,
  markRelationAccess,
  type RelationAccess,
  runAsRelationAccess,
} from './relation-access.js'

const access: RelationAccess = { model: 'library.Author', relation: 'books', kind: 'reverse' }

/** A stand-in for a lazy, chainable query with private state (as QuerySet has). */
class FakeQuery {
  readonly #filters: string[]
  constructor(filters: string[] = []) {
    this.#filters = filters
  }
  filter(f: string): FakeQuery {
    return new FakeQuery([...this.#filters, f])
  }
  get filters(): readonly string[] {
    return this.#filters
  }
  async count(): Promise<string | undefined> {
    await Promise.resolve()
    return currentRelationAccess()?.relation
  }
  // biome-ignore lint/suspicious/noThenProperty: a thenable query, like QuerySet
  then<T>(onfulfilled: (value: (string | undefined)[]) => T): Promise<T> {
    return Promise.resolve()
      .then(() => [currentRelationAccess()?.relation])
      .then(onfulfilled)
  }
  async *iterator(): AsyncGenerator<string | undefined> {
    yield currentRelationAccess()?.relation
    await Promise.resolve()
    yield currentRelationAccess()?.relation
  }
}

describe('relation access', () => {
  it('is undefined outside a load and set inside runAsRelationAccess', async () => {
    expect(currentRelationAccess()).toBeUndefined()
    const seen = await runAsRelationAccess(access, async () => {
      await Promise.resolve()
      return currentRelationAccess()
    })
    expect(seen).toBe(access)
    expect(currentRelationAccess()).toBeUndefined()
  })

  it('marks whatever runs a marked query, and the queries chained from it', async () => {
    const marked = markRelationAccess(new FakeQuery(), access)
    expect(await marked.count()).toBe('books')
    expect(await marked).toEqual(['books'])
    const chained = marked.filter('a').filter('b')
    expect(chained.filters).toEqual(['a', 'b'])
    expect(chained).toBeInstanceOf(FakeQuery)
    expect(await chained.count()).toBe('books')
    const rows: (string | undefined)[] = []
    for await (const row of chained.iterator()) rows.push(row)
    expect(rows).toEqual(['books', 'books'])
    // the unmarked original is untouched, and the caller's context after awaiting stays unmarked
    expect(await new FakeQuery().count()).toBeUndefined()
    expect(currentRelationAccess()).toBeUndefined()
  })
})
