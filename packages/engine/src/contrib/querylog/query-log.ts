/**
 * `QueryLog`: collects every statement run inside `log.run(fn)` (the whole async call tree of fn,
 * and nothing from concurrent requests). Logs nest: an outer log also receives the inner log's
 * statements. A log runs once; after `run` settles it stops collecting (statements still in flight
 * when it ends, or started later by work fn left behind, are not recorded).
 *
 * @example
 * ```ts
 * import { QueryLog, queryLog } from '@dorm/engine/contrib/querylog'
 *
 * const log = new QueryLog()
 * await log.run(() => listArticles())
 * for (const stats of log.summary()) console.log(stats.template, stats.count, stats.p95_ms)
 *
 * const { result, log: sameLog } = await queryLog(() => listArticles())
 * ```
 */

import { ScopedQueryObserver } from '../../db/scoped-query-observer.js'
import { DormError } from '../../errors.js'
import { type DumpOptions, recordsToJson, writeRecordsJson, writeRecordsJsonl } from './query-log-dump.js'
import { QueryRecord, type QueryRecordDict } from './query-record.js'
import { summarizeRecords, type TemplateStats } from './template-stats.js'

type LogState = 'new' | 'running' | 'finished'

/** A request-scoped collector of statements. See the module doc. */
export class QueryLog {
  static readonly #collector = new ScopedQueryObserver<QueryLog>({
    end(logs, query) {
      let record: QueryRecord | undefined
      for (const log of logs) {
        if (log.#state !== 'running') continue
        record ??= new QueryRecord(query)
        log.#records.push(record)
      }
    },
  })

  readonly #records: QueryRecord[] = []
  #state: LogState = 'new'

  /**
   * The innermost log running in the current async context, if any (what the Fetch-style
   * middleware's handlers use, since a Request cannot carry it reliably).
   *
   * @example
   * ```ts
   * QueryLog.current()?.count
   * ```
   */
  static current(): QueryLog | undefined {
    const logs = QueryLog.#collector.current()
    for (let i = logs.length - 1; i >= 0; i--) {
      const log = logs[i] as QueryLog
      if (log.#state === 'running') return log
    }
    return undefined
  }

  /**
   * Runs `fn` (given this log) and collects the statements it runs; resolves to fn's result.
   *
   * @example
   * ```ts
   * const rows = await log.run(() => Article.objects.filter({ published: true }))
   * ```
   */
  async run<T>(fn: (log: QueryLog) => T | PromiseLike<T>): Promise<T> {
    if (this.#state !== 'new') {
      throw new DormError(
        `This QueryLog ${this.#state === 'running' ? 'is already running' : 'has finished'}: a log runs once. ` +
          'Create a new QueryLog() for each block (nest them to get both views).',
        { code: 'INVALID_ARGUMENT' },
      )
    }
    this.#state = 'running'
    try {
      return await QueryLog.#collector.run(this, () => fn(this))
    } finally {
      this.#state = 'finished'
    }
  }

  /** True once `run` has settled: the log collects nothing more. */
  get finished(): boolean {
    return this.#state === 'finished'
  }

  /** The statements, in the order they finished. */
  get records(): readonly QueryRecord[] {
    return this.#records
  }

  /** How many statements ran. */
  get count(): number {
    return this.#records.length
  }

  /** The sum of the statements' durations, in ms. */
  get totalMs(): number {
    let total = 0
    for (const record of this.#records) total += record.elapsed_ms
    return total
  }

  /**
   * Per-template stats, by total_ms descending.
   *
   * @example
   * ```ts
   * const [slowest] = log.summary()
   * ```
   */
  summary(): TemplateStats[] {
    return summarizeRecords(this.#records)
  }

  /**
   * Every record's `toDict()`.
   *
   * @example
   * ```ts
   * res.json({ queries: log.toDicts() })
   * ```
   */
  toDicts(): QueryRecordDict[] {
    return this.#records.map((r) => r.toDict())
  }

  /**
   * The records as a JSON array of `{ sql, template, elapsed_ms, alias, vendor, error[, params] }`.
   *
   * @example
   * ```ts
   * const text = log.toJson({ includeParams: true })
   * ```
   */
  toJson(options: DumpOptions = {}): string {
    return recordsToJson(this.#records, options)
  }

  /**
   * Writes {@link toJson} to `path` when given; resolves to the JSON text.
   *
   * @example
   * ```ts
   * await log.dumpJson('/tmp/request-queries.json')
   * ```
   */
  dumpJson(path?: string, options: DumpOptions = {}): Promise<string> {
    return writeRecordsJson(this.#records, path, options)
  }

  /**
   * Writes one JSON row per statement to `path` (JSON Lines).
   *
   * @example
   * ```ts
   * await log.dumpJsonl('/tmp/request-queries.jsonl')
   * ```
   */
  dumpJsonl(path: string, options: DumpOptions = {}): Promise<void> {
    return writeRecordsJsonl(this.#records, path, options)
  }
}

/**
 * Runs `fn` inside a new {@link QueryLog}; resolves to `{ result, log }` (the log has finished).
 *
 * @example
 * ```ts
 * const { result: articles, log } = await queryLog(() => Article.objects.all())
 * console.log(`${log.count} queries in ${log.totalMs.toFixed(1)} ms`)
 * ```
 */
export async function queryLog<T>(fn: (log: QueryLog) => T | PromiseLike<T>): Promise<{ result: T; log: QueryLog }> {
  const log = new QueryLog()
  const result = await log.run(fn)
  return { result, log }
}

/**
 * The innermost QueryLog running in the current async context (e.g. the one the middleware
 * opened for this request), or undefined.
 *
 * @example
 * ```ts
 * export const GET = middlewares.wrapFetchHandler(async () => {
 *   const articles = await Article.objects.all()
 *   return Response.json({ articles, queries: currentQueryLog()?.count })
 * })
 * ```
 */
export function currentQueryLog(): QueryLog | undefined {
  return QueryLog.current()
}
