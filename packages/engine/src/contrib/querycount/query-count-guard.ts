/**
 * `queryCountGuard`: a lightweight N+1 guard. It counts the statements a block starts and logs one
 * WARNING on `dorm.querycount` when the count exceeds the threshold:
 * `query count exceeded threshold [GET /articles]: 23 > 20` (the ` [label]` part only with a
 * label). `warnAbove` falls back to the QUERY_COUNT_WARN setting when not given; when that is unset
 * or null the guard is inert: it counts but never warns. The check runs when the block settles,
 * also when it throws (the error then propagates).
 *
 * @example
 * ```ts
 * import { queryCountGuard } from '@dorm/engine/contrib/querycount'
 *
 * const articles = await queryCountGuard({ warnAbove: 20, label: 'GET /articles' }, async () =>
 *   (await Article.objects.all()).map(articleDict),
 * )
 * ```
 */
import { getSettings } from '../../conf/settings.js'
import { getLogger } from '../../db/logging.js'
import { DormError } from '../../errors.js'
import { countQueries, type QueryCounter } from './query-counter.js'

const logger = getLogger('dorm.querycount')

/** Options of {@link queryCountGuard}. */
export interface QueryCountGuardOptions {
  /** Warn when more statements than this ran; undefined: QUERY_COUNT_WARN; null: never warn. */
  warnAbove?: number | null
  /** Shown in the warning as ` [label]` (e.g. the route). */
  label?: string
  /** Called with the final count when the block settles (whether or not it warned). */
  onCount?: (count: number) => void
}

function threshold(warnAbove: number | null | undefined): number | null {
  if (warnAbove === undefined) return getSettings().QUERY_COUNT_WARN ?? null
  if (warnAbove !== null && (!Number.isInteger(warnAbove) || warnAbove < 0)) {
    throw new DormError(
      `queryCountGuard(): warnAbove must be an integer >= 0 or null, got ${JSON.stringify(warnAbove)}. ` +
        'Pass e.g. { warnAbove: 20 }, or leave it out to use the QUERY_COUNT_WARN setting.',
      { code: 'INVALID_ARGUMENT' },
    )
  }
  return warnAbove
}

/**
 * Runs `fn` (given the live counter) and resolves to its result, warning on `dorm.querycount`
 * when it started more than `warnAbove` statements. Guards nest; counts are cumulative.
 *
 * @example
 * ```ts
 * await queryCountGuard({ label: 'nightly export' }, () => exportAll()) // threshold: QUERY_COUNT_WARN
 * await queryCountGuard({ warnAbove: 5, onCount: (n) => metrics.observe(n) }, () => page())
 * ```
 */
export async function queryCountGuard<T>(
  options: QueryCountGuardOptions,
  fn: (counter: QueryCounter) => T | PromiseLike<T>,
): Promise<T> {
  const limit = threshold(options.warnAbove)
  const { result } = await countQueries(fn, ({ count }) => {
    if (limit !== null && count > limit) {
      const label = options.label === undefined ? '' : ` [${options.label}]`
      logger.warning(`query count exceeded threshold${label}: ${count} > ${limit}`, {
        label: options.label ?? null,
        count,
        threshold: limit,
      })
    }
    options.onCount?.(count)
  })
  return result
}
