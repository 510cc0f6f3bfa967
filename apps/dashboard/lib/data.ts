/**
 * The dashboard's data module: one server-side function per widget, reading the dashboard's models
 * through the ORM. Pages call these after checking the session (lib/auth.ts); every function
 * awaits `ensureDatabase()` first. Percentiles always come from merged histograms.
 *
 * @example
 * ```ts
 * import { fleetOverview, parseTimeRange } from '../lib/data'
 * const fleet = await fleetOverview(parseTimeRange(await searchParams))
 * ```
 */
export { type DeployDetail, type DeployImpact, type DeployListRow, deployDetail, deployList } from './data/deploys'
export { type EnvironmentOverview, environmentOverview } from './data/environment-overview'
export { environmentExists, environmentNames } from './data/environments'
export {
  type DeploySummary,
  type FleetEnvironment,
  type FleetService,
  fleetOverview,
  type PoolNow,
  type ServiceHealth,
  STALE_AFTER_MS,
} from './data/fleet'
export { type NPlusOneFinding, nPlusOneFindings } from './data/nplusone'
export {
  isSaturated,
  type PoolPoint,
  type PoolRow,
  type PoolSeries,
  poolRows,
  poolSaturation,
  poolSeries,
  SATURATION_MIN_MS,
  SATURATION_MIN_SAMPLES,
  type SaturationEpisode,
} from './data/pool'
export { type PoolSizingRow, poolSizing } from './data/pool-sizing'
export {
  type TemplateElsewhere,
  type TemplatePoint,
  type TemplateRoute,
  type TemplateRow,
  type TemplateStats,
  templateAcrossEnvironments,
  templateHistory,
  templateRoutes,
  topTemplates,
} from './data/queries'
export { type RoutePoolWait, routePoolWait } from './data/route-wait'
export { type SlowEntry, type SlowTemplate, slowLog } from './data/slow'
export { changedTables, templateTouches } from './data/sql-tables'
export {
  DEFAULT_RANGE,
  isRangePreset,
  parseTimeRange,
  RANGE_PRESETS,
  type RangePreset,
  rangeQuery,
  type SearchParams,
  type TimeRange,
} from './data/time-range'
