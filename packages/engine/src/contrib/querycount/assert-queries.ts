/**
 * Test helpers in the shape of Django's `assertNumQueries`: run a block and fail with an
 * `AssertionError` (node:assert's, which every test runner reports as a failed assertion) when it
 * ran a different number of statements than expected, listing the SQL it ran.
 *
 * @example
 * ```ts
 * import { assertMaxQueries, assertNumQueries } from '@dorm/engine/contrib/querycount'
 *
 * await assertNumQueries(1, () => Book.objects.selectRelated('author'))
 * await assertMaxQueries(3, () => renderHomePage())
 * ```
 */
import { AssertionError } from 'node:assert'
import { DormError } from '../../errors.js'
import { countQueries, type QueryCounter } from './query-counter.js'

function checkExpected(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new DormError(`${name}(): the expected count must be an integer >= 0, got ${JSON.stringify(n)}.`, {
      code: 'INVALID_ARGUMENT',
    })
  }
}

function listing(sql: readonly string[]): string {
  if (sql.length === 0) return ''
  return `\nCaptured queries were:\n${sql.map((s, i) => `${i + 1}. ${s}`).join('\n')}`
}

/**
 * Resolves to fn's result when it ran exactly `n` statements; otherwise rejects with an
 * AssertionError `expected {n} query(ies), got {c}` followed by the numbered SQL.
 *
 * @example
 * ```ts
 * const books = await assertNumQueries(2, () => Author.objects.prefetchRelated('books'))
 * ```
 */
export async function assertNumQueries<T>(n: number, fn: (counter: QueryCounter) => T | PromiseLike<T>): Promise<T> {
  checkExpected('assertNumQueries', n)
  const { result, count, sql } = await countQueries(fn)
  if (count !== n) {
    throw new AssertionError({
      message: `expected ${n} query(ies), got ${count}${listing(sql)}`,
      actual: count,
      expected: n,
    })
  }
  return result
}

/**
 * Resolves to fn's result when it ran at most `n` statements; otherwise rejects with an
 * AssertionError `expected at most {n} query(ies), got {c}` followed by the numbered SQL.
 *
 * @example
 * ```ts
 * await assertMaxQueries(3, () => renderArticle(id))
 * ```
 */
export async function assertMaxQueries<T>(n: number, fn: (counter: QueryCounter) => T | PromiseLike<T>): Promise<T> {
  checkExpected('assertMaxQueries', n)
  const { result, count, sql } = await countQueries(fn)
  if (count > n) {
    throw new AssertionError({
      message: `expected at most ${n} query(ies), got ${count}${listing(sql)}`,
      actual: count,
      expected: n,
      operator: '<=',
    })
  }
  return result
}
