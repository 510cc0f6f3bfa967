/**
 * `@dorm/engine/contrib/querycount`: count the statements a block runs. `queryCountGuard` warns on
 * `dorm.querycount` past a threshold (QUERY_COUNT_WARN by default); `assertNumQueries` /
 * `assertMaxQueries` fail tests that run a different number of statements; `countQueries` reports
 * the count and SQL.
 *
 * @example
 * ```ts
 * import { assertNumQueries, queryCountGuard } from '@dorm/engine/contrib/querycount'
 * await queryCountGuard({ warnAbove: 20, label: 'GET /articles' }, () => listArticles())
 * await assertNumQueries(1, () => Book.objects.selectRelated('author'))
 * ```
 */
export { assertMaxQueries, assertNumQueries } from './assert-queries.js'
export { type QueryCountGuardOptions, queryCountGuard } from './query-count-guard.js'
export { countQueries, type QueryCounter } from './query-counter.js'
