/**
 * `/env/[env]/slow`: the slow log, statements over SLOW_QUERY_MS (template only, never params),
 * grouped by template, then the newest ones.
 */
import Link from 'next/link'
import { slowLog } from '../../../../lib/data/slow'
import { rangeQuery } from '../../../../lib/data/time-range'
import { formatCount, formatMs, formatTime } from '../../../../ui/format'
import { PageToolbar } from '../../../../ui/page-toolbar'
import { type EnvPageProps, openEnvPage } from '../env-page'

export const dynamic = 'force-dynamic'

/** The slow log page. */
export default async function SlowLogPage(props: EnvPageProps) {
  const { env, range, environments } = await openEnvPage(props, '/slow')
  const { entries, templates } = await slowLog(env, range)
  const base = `/env/${encodeURIComponent(env)}`
  const query = rangeQuery(range)
  return (
    <>
      <h1>Slow log · {env}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="/slow" />
      {entries.length === 0 ? (
        <p className="empty">No statement went over SLOW_QUERY_MS in this range.</p>
      ) : (
        <>
          <h2>By template</h2>
          <table>
            <thead>
              <tr>
                <th>Template</th>
                <th className="num">Slow statements</th>
                <th className="num">Slowest</th>
                <th className="num">Last</th>
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <tr key={t.fingerprint} data-testid="slow-template-row">
                  <td className="sql">
                    <Link href={`${base}/queries/${t.fingerprint}?${query}`}>
                      <code>{t.template}</code>
                    </Link>
                  </td>
                  <td className="num">{formatCount(t.count)}</td>
                  <td className="num">{formatMs(t.maxMs)}</td>
                  <td className="num">{formatTime(t.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Newest</h2>
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Service · alias</th>
                <th>Route</th>
                <th>Template</th>
                <th className="num">Elapsed</th>
                <th className="num">Threshold</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="slow-row">
                  <td className="num">{formatTime(e.at)}</td>
                  <td>
                    {e.service} · {e.alias}
                  </td>
                  <td>{e.route ? <code>{e.route}</code> : <span className="muted">–</span>}</td>
                  <td className="sql">
                    <Link href={`${base}/queries/${e.fingerprint}?${query}`}>
                      <code>{e.template}</code>
                    </Link>
                    {e.error ? <div className="error-text">{e.error}</div> : null}
                  </td>
                  <td className="num">{formatMs(e.elapsedMs)}</td>
                  <td className="num">{formatMs(e.thresholdMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  )
}
