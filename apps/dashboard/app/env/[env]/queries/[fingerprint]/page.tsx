/**
 * `/env/[env]/queries/[fingerprint]`: one template: its history (count, total, p95 per bucket)
 * with the environment's deploys as markers, the routes it runs on, and the same template in the
 * other environments.
 */
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { deployList } from '../../../../../lib/data/deploys'
import {
  templateAcrossEnvironments,
  templateHistory,
  templateRoutes,
  templateTexts,
} from '../../../../../lib/data/queries'
import { rangeQuery } from '../../../../../lib/data/time-range'
import { formatCount, formatMs, shortSha } from '../../../../../ui/format'
import { PageToolbar } from '../../../../../ui/page-toolbar'
import { TimeSeriesChart } from '../../../../../ui/time-series-chart'
import { type EnvPageProps, openEnvPage } from '../../env-page'

export const dynamic = 'force-dynamic'

/** The query detail page. */
export default async function QueryDetailPage(props: EnvPageProps) {
  const fingerprint = (await props.params).fingerprint ?? ''
  if (!/^[0-9a-f]{16}$/.test(fingerprint)) notFound()
  const { env, range, environments } = await openEnvPage(props, `/queries/${fingerprint}`)
  const [texts, history, routes, elsewhere, deploys] = await Promise.all([
    templateTexts([fingerprint]),
    templateHistory(env, fingerprint, range),
    templateRoutes(env, fingerprint, range),
    templateAcrossEnvironments(fingerprint, range),
    deployList(env, { limit: 200 }),
  ])
  const template = texts.get(fingerprint)
  if (template === undefined) notFound()
  const base = `/env/${encodeURIComponent(env)}`
  const query = rangeQuery(range)
  const markers = deploys
    .filter((d) => d.finishedAt >= range.from && d.finishedAt <= range.to)
    .map((d) => ({ t: d.finishedAt.getTime(), label: `deploy ${shortSha(d.gitSha)}` }))
  return (
    <>
      <h1>Template {fingerprint}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="/queries" />
      <pre data-testid="template-sql">
        <code>{template}</code>
      </pre>
      {history.length === 0 ? (
        <p className="muted">This template did not run in {env} in this range.</p>
      ) : (
        <div className="charts">
          <TimeSeriesChart
            title="p95 and max (ms)"
            unit="ms"
            data={history.map((p) => ({ t: p.t, p95: p.p95Ms, max: p.maxMs }))}
            lines={[
              { key: 'p95', label: 'p95' },
              { key: 'max', label: 'max' },
            ]}
            markers={markers}
          />
          <TimeSeriesChart
            title="Calls and total time"
            data={history.map((p) => ({ t: p.t, calls: p.count, totalMs: Math.round(p.totalMs) }))}
            lines={[
              { key: 'calls', label: 'calls' },
              { key: 'totalMs', label: 'total ms' },
            ]}
            markers={markers}
          />
        </div>
      )}
      <h2>Routes</h2>
      {routes.length === 0 ? (
        <p className="muted">None in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Route</th>
              <th>Service</th>
              <th className="num">Count</th>
              <th className="num">Total</th>
              <th className="num">p95</th>
              <th className="num">Errors</th>
            </tr>
          </thead>
          <tbody>
            {routes.map((r) => (
              <tr key={`${r.service}-${r.route}`}>
                <td>
                  {r.route ? (
                    <Link href={`${base}/queries?${query}&route=${encodeURIComponent(r.route)}`}>
                      <code>{r.route}</code>
                    </Link>
                  ) : (
                    <span className="muted">outside a request</span>
                  )}
                </td>
                <td>{r.service}</td>
                <td className="num">{formatCount(r.count)}</td>
                <td className="num">{formatMs(r.totalMs)}</td>
                <td className="num">{formatMs(r.p95Ms)}</td>
                <td className="num">{formatCount(r.errors)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>In every environment</h2>
      {elsewhere.length === 0 ? (
        <p className="muted">No environment ran it in this range.</p>
      ) : (
        <table data-testid="template-environments">
          <thead>
            <tr>
              <th>Environment</th>
              <th className="num">Count</th>
              <th className="num">Total</th>
              <th className="num">p50</th>
              <th className="num">p95</th>
              <th className="num">Max</th>
            </tr>
          </thead>
          <tbody>
            {elsewhere.map((e) => (
              <tr key={e.environment}>
                <td>
                  <Link href={`/env/${encodeURIComponent(e.environment)}/queries/${fingerprint}?${query}`}>
                    {e.environment === env ? <strong>{e.environment}</strong> : e.environment}
                  </Link>
                </td>
                <td className="num">{formatCount(e.count)}</td>
                <td className="num">{formatMs(e.totalMs)}</td>
                <td className="num">{formatMs(e.p50Ms)}</td>
                <td className="num">{formatMs(e.p95Ms)}</td>
                <td className="num">{formatMs(e.maxMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
