/**
 * `/env/[env]/pool`: per service and alias, size / in use / available / max and waiting over time,
 * timeouts, checkout wait p50/p95 (from the merged wait histograms); the saturation banner (the
 * seed's leading indicator: available 0 while requests wait, sustained) with the fix; per-route
 * pool wait; the sizing check (MAX_POOL_SIZE x instances vs max_connections).
 */
import { poolRows, poolSaturation, poolSeries, SATURATION_MIN_SAMPLES } from '../../../../lib/data/pool'
import { poolSizing } from '../../../../lib/data/pool-sizing'
import { topTemplates } from '../../../../lib/data/queries'
import { routePoolWait } from '../../../../lib/data/route-wait'
import { rangeQuery } from '../../../../lib/data/time-range'
import { BarChartCard } from '../../../../ui/bar-chart'
import { formatCount, formatMs, formatTime } from '../../../../ui/format'
import { PageToolbar } from '../../../../ui/page-toolbar'
import { SetupSnippet } from '../../../../ui/setup-snippet'
import { TemplatesTable } from '../../../../ui/templates-table'
import { TimeSeriesChart } from '../../../../ui/time-series-chart'
import { type EnvPageProps, openEnvPage } from '../env-page'

export const dynamic = 'force-dynamic'

/** The pool page. */
export default async function PoolPage(props: EnvPageProps) {
  const { env, range, environments } = await openEnvPage(props, '/pool')
  const [rows, routes, templates] = await Promise.all([
    poolRows(env, range),
    routePoolWait(env, range),
    topTemplates(env, range, { limit: 10 }),
  ])
  const [series, episodes] = await Promise.all([poolSeries(env, range, rows), poolSaturation(env, range, rows)])
  const sizing = poolSizing(rows)
  // the newest episode of each service and alias
  const latest = episodes.filter(
    (e, i) => episodes.findIndex((other) => other.service === e.service && other.alias === e.alias) === i,
  )
  return (
    <>
      <h1>Pool · {env}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="/pool" />
      {latest.length > 0 ? (
        <section className="banner danger" data-testid="pool-saturation-banner" role="alert">
          <h2>Pool saturated{latest.some((e) => e.ongoing) ? ' (ongoing)' : ''}</h2>
          <ul>
            {latest.map((e) => (
              <li key={`${e.service}-${e.alias}`}>
                <strong>
                  {e.service} · {e.alias}
                </strong>
                : no connection available while up to {e.maxWaiting} requests waited, for {e.samples} consecutive
                reports ({formatTime(e.start)} → {formatTime(e.end)}, instance <code>{e.instance}</code>)
                {e.ongoing ? ', still now' : ''}.
              </li>
            ))}
          </ul>
          {episodes.length > latest.length ? <p>{episodes.length} episodes in this range.</p> : null}
          <p>
            Fix: raise <code>MAX_POOL_SIZE</code> for these aliases (keeping MAX_POOL_SIZE × instances under the
            server&apos;s max_connections, or put PgBouncer in front), shorten transactions (no network calls inside{' '}
            <code>atomic()</code>), and look at the templates holding connections and the routes waiting longest below.
          </p>
        </section>
      ) : null}
      {series.length === 0 ? (
        <SetupSnippet environment={env} message="No pool reports in this range" />
      ) : (
        <>
          <h2>Checkout wait and timeouts</h2>
          <table>
            <thead>
              <tr>
                <th>Service</th>
                <th>Alias</th>
                <th className="num">Checkouts</th>
                <th className="num">Timeouts</th>
                <th className="num">Wait avg</th>
                <th className="num">Wait p50</th>
                <th className="num">Wait p95</th>
              </tr>
            </thead>
            <tbody>
              {series.map((s) => (
                <tr key={`${s.service}-${s.alias}`} data-testid="pool-row">
                  <td>{s.service}</td>
                  <td>{s.alias}</td>
                  <td className="num">{formatCount(s.checkouts)}</td>
                  <td className="num">
                    {s.timeouts > 0 ? <span className="badge error">{formatCount(s.timeouts)}</span> : '0'}
                  </td>
                  <td className="num">{formatMs(s.waitAvg)}</td>
                  <td className="num">{formatMs(s.waitP50)}</td>
                  <td className="num" data-testid="pool-wait-p95">
                    {formatMs(s.waitP95)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="charts">
            {series.map((s) => (
              <TimeSeriesChart
                key={`${s.service}-${s.alias}`}
                title={`${s.service} · ${s.alias} (${s.vendor})`}
                data={s.points.map((p) => ({
                  t: p.t,
                  size: p.size,
                  inUse: p.inUse,
                  available: p.available,
                  max: p.max,
                  waiting: p.waiting,
                  timeouts: p.timeouts,
                }))}
                lines={[
                  { key: 'max', label: 'max', color: '#4b5563' },
                  { key: 'size', label: 'size', color: '#0891b2' },
                  { key: 'inUse', label: 'in use', color: '#2563eb' },
                  { key: 'available', label: 'available', color: '#16a34a' },
                  { key: 'waiting', label: 'waiting', color: '#dc2626' },
                  { key: 'timeouts', label: 'timeouts', color: '#9333ea' },
                ]}
              />
            ))}
          </div>
        </>
      )}
      <h2>What holds the connections: templates by total time</h2>
      {templates.length === 0 ? (
        <p className="muted">No query rollups in this range.</p>
      ) : (
        <TemplatesTable env={env} query={rangeQuery(range)} templates={templates} routesShown={3} />
      )}
      <h2>Pool wait by route</h2>
      {routes.length === 0 ? (
        <p className="muted">No request samples in this range.</p>
      ) : (
        <>
          <BarChartCard
            title="Pool wait p95 by route (ms)"
            unit="ms"
            bars={routes.slice(0, 10).map((r) => ({ label: `${r.method} ${r.route}`, value: r.p95WaitMs }))}
          />
          <table>
            <thead>
              <tr>
                <th>Route</th>
                <th>Service</th>
                <th className="num">Requests</th>
                <th className="num">Total wait</th>
                <th className="num">Avg</th>
                <th className="num">p95</th>
                <th className="num">Max</th>
              </tr>
            </thead>
            <tbody>
              {routes.map((r) => (
                <tr key={`${r.service}-${r.method}-${r.route}`} data-testid="route-wait-row">
                  <td>
                    <code>
                      {r.method} {r.route}
                    </code>
                  </td>
                  <td>{r.service}</td>
                  <td className="num">{formatCount(r.requests)}</td>
                  <td className="num">{formatMs(r.totalWaitMs)}</td>
                  <td className="num">{formatMs(r.avgWaitMs)}</td>
                  <td className="num">{formatMs(r.p95WaitMs)}</td>
                  <td className="num">{formatMs(r.maxWaitMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Sizing check</h2>
      {sizing.length === 0 ? (
        <p className="muted">No live instance reported in this range.</p>
      ) : (
        <table data-testid="pool-sizing">
          <thead>
            <tr>
              <th>Alias</th>
              <th>Services</th>
              <th className="num">MAX_POOL_SIZE</th>
              <th className="num">Instances</th>
              <th className="num">Connections at most</th>
              <th className="num">Server max_connections</th>
            </tr>
          </thead>
          <tbody>
            {sizing.map((row) => (
              <tr key={row.alias}>
                <td>
                  {row.alias} <span className="muted">({row.vendor})</span>
                </td>
                <td>{row.services.join(', ')}</td>
                <td className="num">{row.maxPoolSize}</td>
                <td className="num">{row.instances}</td>
                <td className="num">{row.totalConnections}</td>
                <td className="num">
                  {row.vendor !== 'postgresql' ? (
                    <span className="muted">n/a</span>
                  ) : row.serverMaxConnections === null ? (
                    <span className="muted">not reported</span>
                  ) : row.totalConnections > row.serverMaxConnections ? (
                    <span className="badge error">{row.serverMaxConnections} (exceeded)</span>
                  ) : (
                    row.serverMaxConnections
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">
        MAX_POOL_SIZE × instances is how many connections these processes may open at once; keep it below the
        server&apos;s <code>max_connections</code> (<code>SHOW max_connections</code>) minus what migrations, cron jobs
        and admins need. Saturation is flagged after {SATURATION_MIN_SAMPLES} consecutive reports (or a minute) with
        nothing available while requests wait.
      </p>
    </>
  )
}
