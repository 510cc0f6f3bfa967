/**
 * Counting statements per async context: {@link countQueries} runs a block and reports how many
 * statements started inside it (counted when they start, like the original's `pre_query` hook),
 * with their SQL. Nested counters count cumulatively: the outer one also counts the inner block's
 * statements. Concurrent requests never count each other's statements.
 *
 * @example
 * ```ts
 * const { result, count, sql } = await countQueries(() => Article.objects.all())
 * ```
 */
import type { QueryStart } from '../../db/query-observers.js'
import { ScopedQueryObserver } from '../../db/scoped-query-observer.js'

/** A live counter of the statements started in one block. */
export interface QueryCounter {
  /** Statements started so far (final once the block settled). */
  readonly count: number
  /** Their SQL, in start order. */
  readonly sql: readonly string[]
}

interface MutableCounter {
  count: number
  sql: string[]
  open: boolean
}

const counters = new ScopedQueryObserver<MutableCounter>({
  start(scopes, query: QueryStart) {
    for (const counter of scopes) {
      if (!counter.open) continue
      counter.count++
      counter.sql.push(query.sql)
    }
  },
})

/**
 * Runs `fn` (given the live counter) and resolves to its result with the count and SQL of the
 * statements it started. When fn throws, the error propagates (use `onSettled` to see the count).
 *
 * @example
 * ```ts
 * const { count } = await countQueries(async (counter) => {
 *   await Book.objects.count()
 *   counter.count // 1
 * })
 * ```
 */
export async function countQueries<T>(
  fn: (counter: QueryCounter) => T | PromiseLike<T>,
  onSettled?: (counter: QueryCounter) => void,
): Promise<{ result: T; count: number; sql: string[] }> {
  const counter: MutableCounter = { count: 0, sql: [], open: true }
  try {
    const result = await counters.run(counter, () => fn(counter))
    return { result, count: counter.count, sql: [...counter.sql] }
  } finally {
    counter.open = false
    onSettled?.(counter)
  }
}
