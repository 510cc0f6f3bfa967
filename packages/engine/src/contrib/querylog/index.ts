/**
 * `@dorm/engine/contrib/querylog`: a request-scoped collector of SQL statements with per-template
 * stats (count, total, p50, p95), mergeable histograms, JSON / JSON Lines dumps and a request
 * middleware for node:http, Express and Fetch-style handlers.
 *
 * @example
 * ```ts
 * import { QueryLog } from '@dorm/engine/contrib/querylog'
 * const log = new QueryLog()
 * await log.run(() => doWork())
 * console.table(log.summary().map((s) => s.toDict()))
 * ```
 */
export {
  addHistograms,
  bucketIndex,
  emptyHistogram,
  HISTOGRAM_BOUNDS_MS,
  histogramOf,
  histogramRank,
} from './histogram.js'
export { nearestRankP95, p95Index, roundHalfEven, roundMs, upperMedian } from './percentiles.js'
export { currentQueryLog, QueryLog, queryLog } from './query-log.js'
export { type DumpOptions, recordsToJson, recordsToJsonl } from './query-log-dump.js'
export {
  type QueryLogMiddlewareOptions,
  queryLogMiddlewares,
  type RequestWithQueryLog,
} from './query-log-middleware.js'
export { QueryRecord, type QueryRecordDict, type QueryRecordExport, type QueryRecordInit } from './query-record.js'
export { queryTemplate, templateFingerprint } from './query-template.js'
export {
  mergeSummaries,
  mergeTemplateStats,
  summarizeRecords,
  type TemplateRollup,
  TemplateStats,
  type TemplateStatsDict,
  type TemplateStatsInit,
  templateStatsOf,
} from './template-stats.js'
