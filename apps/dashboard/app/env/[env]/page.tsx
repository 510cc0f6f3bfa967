/**
 * `/env/[env]`: the environment overview, status boxes (services, pool now, slow statements, N+1
 * routes, events, last deploy) and the top templates, each linking to its page.
 */
import Link from 'next/link'
import { environmentOverview } from '../../../lib/data/environment-overview'
import { rangeQuery } from '../../../lib/data/time-range'
import { formatCount, formatMs, formatPercent, formatTime, shortSha } from '../../../ui/format'
import { PageToolbar } from '../../../ui/page-toolbar'
import { SetupSnippet } from '../../../ui/setup-snippet'
import { type EnvPageProps, openEnvPage } from './env-page'

export const dynamic = 'force-dynamic'

/** The overview page. */
export default async function EnvironmentPage(props: EnvPageProps) {
  const { env, range, environments } = await openEnvPage(props, '')
  const overview = await environmentOverview(env, range)
  const base = `/env/${encodeURIComponent(env)}`
  const query = rangeQuery(range)
  const services = overview.fleet?.services ?? []
  const deploy = overview.fleet?.lastDeploy ?? null
  const pool = services.reduce(
    (sum, s) => ({ inUse: sum.inUse + s.pool.inUse, max: sum.max + s.pool.max, waiting: sum.waiting + s.pool.waiting }),
    { inUse: 0, max: 0, waiting: 0 },
  )
  const unhealthy = services.filter((s) => s.health !== 'ok')
  return (
    <>
      <h1>{env}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="" />
      {services.length === 0 ? (
        <SetupSnippet environment={env} message={`No service of ${env} has reported yet`} />
      ) : null}
      <div className="cards">
        <div className="card">
          <div className="label">Services</div>
          <div className="value">{services.length}</div>
          <div className={unhealthy.length ? 'error-text' : 'muted'}>
            {unhealthy.length ? unhealthy.map((s) => `${s.service}: ${s.health}`).join(', ') : 'all healthy'}
          </div>
        </div>
        <Link className="card" href={`${base}/pool?${query}`}>
          <div className="label">Pool now</div>
          <div className="value">
            {pool.inUse} / {pool.max}
          </div>
          <div className={pool.waiting > 0 ? 'error-text' : 'muted'}>
            {pool.waiting > 0
              ? `${pool.waiting} waiting`
              : `${formatPercent(pool.max ? pool.inUse / pool.max : null)} in use`}
          </div>
        </Link>
        <Link className="card" href={`${base}/slow?${query}`}>
          <div className="label">Slow statements</div>
          <div className="value">{formatCount(overview.slowCount)}</div>
          <div className="muted">in the range</div>
        </Link>
        <Link className="card" href={`${base}/nplusone?${query}`}>
          <div className="label">N+1 routes</div>
          <div className="value">{formatCount(overview.nPlusOneRoutes)}</div>
          <div className="muted">with repeated queries</div>
        </Link>
        <div className="card">
          <div className="label">Events</div>
          <div className="value">{formatCount(Object.values(overview.events).reduce((a, b) => a + b, 0))}</div>
          <div className="muted">
            {Object.entries(overview.events)
              .map(([type, n]) => `${type} ${n}`)
              .join(', ') || 'none'}
          </div>
        </div>
        <Link className="card" href={deploy ? `${base}/deploys/${deploy.id}` : `${base}/deploys`}>
          <div className="label">Last deploy</div>
          <div className="value">
            {deploy ? <span className={`badge ${deploy.status}`}>{deploy.status}</span> : '–'}
          </div>
          <div className="muted">
            {deploy ? `${shortSha(deploy.gitSha)} · ${formatTime(deploy.finishedAt)}` : 'none reported'}
            {deploy?.drift ? ' · drift' : ''}
          </div>
        </Link>
      </div>
      <h2>Top templates by total time</h2>
      {overview.topTemplates.length === 0 ? (
        <p className="muted">No query rollups in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Template</th>
              <th className="num">Count</th>
              <th className="num">Total</th>
              <th className="num">p95</th>
            </tr>
          </thead>
          <tbody>
            {overview.topTemplates.map((t) => (
              <tr key={t.fingerprint}>
                <td className="sql">
                  <Link href={`${base}/queries/${t.fingerprint}?${query}`}>
                    <code>{t.template}</code>
                  </Link>
                </td>
                <td className="num">{formatCount(t.count)}</td>
                <td className="num">{formatMs(t.totalMs)}</td>
                <td className="num">{formatMs(t.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
