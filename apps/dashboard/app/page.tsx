/**
 * `/`: the fleet grid, environment x service: health (ok, error, stale after 5 minutes of silence),
 * pool saturation now, slow statements per minute over the range, and each environment's last
 * deploy and drift. `?env=` narrows it to one environment.
 */
import Link from 'next/link'
import { requireSession } from '../lib/auth'
import { environmentNames } from '../lib/data/environments'
import { type FleetEnvironment, fleetOverview } from '../lib/data/fleet'
import { parseTimeRange, rangeQuery, type SearchParams } from '../lib/data/time-range'
import { formatCount, formatPercent, formatRate, formatTime, shortSha } from '../ui/format'
import { PageToolbar } from '../ui/page-toolbar'
import { SetupSnippet } from '../ui/setup-snippet'

export const dynamic = 'force-dynamic'

function DeployCell({ environment }: { environment: FleetEnvironment }) {
  const deploy = environment.lastDeploy
  if (!deploy) return <span className="muted">no deploy reported</span>
  return (
    <Link href={`/env/${encodeURIComponent(environment.name)}/deploys/${deploy.id}`}>
      <span className={`badge ${deploy.status}`}>{deploy.status}</span> <code>{shortSha(deploy.gitSha)}</code>{' '}
      <span className="muted">{formatTime(deploy.finishedAt)}</span>
    </Link>
  )
}

function DriftCell({ drift }: { drift: boolean | null | undefined }) {
  if (drift === null || drift === undefined) return <span className="muted">unknown</span>
  return drift ? <span className="badge error">drift</span> : <span className="badge ok">clean</span>
}

/** The fleet page. */
export default async function FleetPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const search = await searchParams
  const envFilter = typeof search.env === 'string' ? search.env : ''
  await requireSession(`/${envFilter ? `?env=${encodeURIComponent(envFilter)}` : ''}`)
  const range = parseTimeRange(search)
  const [environments, fleet] = await Promise.all([
    environmentNames(),
    fleetOverview(range, envFilter ? { environment: envFilter } : {}),
  ])
  const query = rangeQuery(range)
  const services = fleet.reduce((n, env) => n + env.services.length, 0)
  return (
    <>
      <h1>Fleet</h1>
      <PageToolbar environments={environments} env={envFilter} range={range} />
      {fleet.length === 0 ? (
        <SetupSnippet message={envFilter ? `No environment named ${envFilter}` : 'No environments yet'} />
      ) : (
        <div className="table-wrap">
          <table data-testid="fleet-grid">
            <thead>
              <tr>
                <th>Environment</th>
                <th>Service</th>
                <th>Health</th>
                <th className="num">Pool in use / max</th>
                <th className="num">Waiting</th>
                <th className="num">Slow / min</th>
                <th>Last deploy</th>
                <th>Drift</th>
              </tr>
            </thead>
            <tbody>
              {fleet.map((environment) =>
                (environment.services.length ? environment.services : [null]).map((service, i) => (
                  <tr key={`${environment.name}-${service?.service ?? ''}`} data-testid="fleet-row">
                    {i === 0 ? (
                      <td rowSpan={Math.max(1, environment.services.length)}>
                        <Link href={`/env/${encodeURIComponent(environment.name)}?${query}`}>
                          <strong>{environment.name}</strong>
                        </Link>
                      </td>
                    ) : null}
                    {service ? (
                      <>
                        <td>{service.service}</td>
                        <td>
                          <span className={`badge ${service.health}`}>{service.health}</span>
                          {service.healthError ? <div className="error-text">{service.healthError}</div> : null}
                          {service.health === 'stale' ? (
                            <div className="muted">last report {formatTime(service.lastSeenAt)}</div>
                          ) : null}
                        </td>
                        <td className="num">
                          <Link href={`/env/${encodeURIComponent(environment.name)}/pool?${query}`}>
                            {service.pool.saturation === null
                              ? '–'
                              : `${service.pool.inUse} / ${service.pool.max} (${formatPercent(service.pool.saturation)})`}
                          </Link>
                        </td>
                        <td className="num">
                          {service.pool.waiting > 0 ? (
                            <span className="badge error">{formatCount(service.pool.waiting)}</span>
                          ) : (
                            formatCount(service.pool.waiting)
                          )}
                        </td>
                        <td className="num">
                          <Link href={`/env/${encodeURIComponent(environment.name)}/slow?${query}`}>
                            {formatRate(service.slowPerMinute)}
                          </Link>
                        </td>
                      </>
                    ) : (
                      <td colSpan={5} className="muted">
                        no service has reported yet
                      </td>
                    )}
                    {i === 0 ? (
                      <>
                        <td rowSpan={Math.max(1, environment.services.length)}>
                          <DeployCell environment={environment} />
                        </td>
                        <td rowSpan={Math.max(1, environment.services.length)}>
                          <DriftCell drift={environment.lastDeploy?.drift} />
                        </td>
                      </>
                    ) : null}
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
      {fleet.length > 0 && services === 0 ? <SetupSnippet message="No service has reported yet" /> : null}
    </>
  )
}
