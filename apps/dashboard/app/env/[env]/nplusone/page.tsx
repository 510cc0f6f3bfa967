/**
 * `/env/[env]/nplusone`: N+1 findings from the request samples, by route and repeated template,
 * with the fix (load the relation up front).
 */
import Link from 'next/link'
import { nPlusOneFindings } from '../../../../lib/data/nplusone'
import { rangeQuery } from '../../../../lib/data/time-range'
import { formatCount, formatTime } from '../../../../ui/format'
import { PageToolbar } from '../../../../ui/page-toolbar'
import { type EnvPageProps, openEnvPage } from '../env-page'

export const dynamic = 'force-dynamic'

/** The N+1 page. */
export default async function NPlusOnePage(props: EnvPageProps) {
  const { env, range, environments } = await openEnvPage(props, '/nplusone')
  const findings = await nPlusOneFindings(env, range)
  const base = `/env/${encodeURIComponent(env)}`
  const query = rangeQuery(range)
  return (
    <>
      <h1>N+1 · {env}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="/nplusone" />
      {findings.length === 0 ? (
        <p className="empty">No request repeated a template in this range.</p>
      ) : (
        <>
          <p className="muted">
            A request ran the same template many times, usually one query per row of a list. Load the relation with the
            list: <code>selectRelated(&apos;author&apos;)</code> for a foreign key,{' '}
            <code>prefetchRelated(&apos;books&apos;)</code> for a reverse or many-to-many one.
          </p>
          <table>
            <thead>
              <tr>
                <th>Route</th>
                <th>Service</th>
                <th>Repeated template</th>
                <th className="num">Requests</th>
                <th className="num">Most repeats</th>
                <th className="num">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((f) => (
                <tr key={`${f.service}-${f.method}-${f.route}-${f.fingerprint}`} data-testid="nplusone-row">
                  <td>
                    <code>
                      {f.method} {f.route}
                    </code>
                  </td>
                  <td>{f.service}</td>
                  <td className="sql">
                    {f.fingerprint ? (
                      <Link href={`${base}/queries/${f.fingerprint}?${query}`}>
                        <code>{f.template}</code>
                      </Link>
                    ) : (
                      <code>{f.template}</code>
                    )}
                  </td>
                  <td className="num">{formatCount(f.requests)}</td>
                  <td className="num">{formatCount(f.maxRepeats)}</td>
                  <td className="num">{formatTime(f.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  )
}
