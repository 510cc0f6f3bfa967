/**
 * The toolbar of every data page: the environment switcher, the range picker (both writing to the
 * URL) and, on environment pages, the section links carrying the range.
 *
 * @example
 * ```tsx
 * <PageToolbar environments={names} env="production" range={range} section="pool" />
 * ```
 */
import Link from 'next/link'
import { RANGE_PRESETS, rangeQuery, type TimeRange } from '../lib/data/time-range'
import { EnvSwitcher } from './env-switcher'
import { RangePicker } from './range-picker'

/** The sections of an environment. */
export const SECTIONS = [
  ['', 'Overview'],
  ['/pool', 'Pool'],
  ['/queries', 'Queries'],
  ['/slow', 'Slow log'],
  ['/nplusone', 'N+1'],
  ['/deploys', 'Deploys'],
] as const

/** Props of {@link PageToolbar}. */
export interface PageToolbarProps {
  environments: readonly string[]
  /** The environment of the page, or '' on the fleet page (all). */
  env: string
  range: TimeRange
  /** The current section path ('' for the overview), or undefined outside environment pages. */
  section?: string
  /** Hide the range picker (pages without a time axis). */
  hideRange?: boolean
}

/** The toolbar (see the module doc). */
export function PageToolbar({ environments, env, range, section, hideRange = false }: PageToolbarProps) {
  const query = rangeQuery(range)
  return (
    <div className="toolbar">
      <div className="pickers">
        <EnvSwitcher environments={environments} current={env} allowAll={section === undefined} />
        {hideRange ? null : <RangePicker current={range.key} presets={Object.keys(RANGE_PRESETS)} />}
        {range.key === 'custom' ? (
          <span className="muted">
            {range.from.toISOString()} → {range.to.toISOString()}
          </span>
        ) : null}
      </div>
      {section !== undefined && env ? (
        <nav className="sections" aria-label="Environment sections">
          {SECTIONS.map(([path, label]) => (
            <Link
              key={path}
              href={`/env/${encodeURIComponent(env)}${path}?${query}`}
              className={section === path ? 'active' : undefined}
              aria-current={section === path ? 'page' : undefined}
            >
              {label}
            </Link>
          ))}
        </nav>
      ) : null}
      {range.error ? <p className="warning">Time range: {range.error}. Showing the last 24 hours.</p> : null}
    </div>
  )
}
