/**
 * `/env/[env]/deploys`: the deploy reports the Action posted, newest first: status, commit, lint
 * findings, drift, applied migrations.
 */
import Link from 'next/link'
import { deployList } from '../../../../lib/data/deploys'
import { formatTime, shortSha } from '../../../../ui/format'
import { PageToolbar } from '../../../../ui/page-toolbar'
import { type EnvPageProps, openEnvPage } from '../env-page'

export const dynamic = 'force-dynamic'

/** The deploys page. */
export default async function DeploysPage(props: EnvPageProps) {
  const { env, range, environments } = await openEnvPage(props, '/deploys')
  const deploys = await deployList(env)
  const base = `/env/${encodeURIComponent(env)}`
  return (
    <>
      <h1>Deploys · {env}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="/deploys" hideRange />
      {deploys.length === 0 ? (
        <section className="empty">
          <h2>No deploy reported</h2>
          <p>
            Create a CI key for {env} in <Link href="/settings">Settings</Link> and give it to the Action:
          </p>
          <pre>
            <code>{`- uses: dorm/action@v1
  with:
    command: migrate
    database-url: \${{ secrets.DATABASE_URL }}
    dashboard-url: https://dashboard.example.com
    dashboard-token: \${{ secrets.DORM_DASHBOARD_CI_KEY }}`}</code>
          </pre>
        </section>
      ) : (
        <table data-testid="deploys-table">
          <thead>
            <tr>
              <th>Finished</th>
              <th>Status</th>
              <th>Commit</th>
              <th className="num">Lint errors</th>
              <th className="num">Warnings</th>
              <th>Drift</th>
              <th>Applied</th>
            </tr>
          </thead>
          <tbody>
            {deploys.map((d) => (
              <tr key={d.id} data-testid="deploy-row">
                <td>
                  <Link href={`${base}/deploys/${d.id}`}>{formatTime(d.finishedAt)}</Link>
                </td>
                <td>
                  <span className={`badge ${d.status}`}>{d.status}</span>
                </td>
                <td>
                  <code>{shortSha(d.gitSha)}</code> {d.ref ? <span className="muted">{d.ref}</span> : null}
                  {d.pullRequest ? <span className="muted"> · PR #{d.pullRequest}</span> : null}
                </td>
                <td className="num">{d.errors}</td>
                <td className="num">{d.warnings}</td>
                <td>
                  {d.drift === null ? (
                    <span className="muted">–</span>
                  ) : d.drift ? (
                    <span className="badge error">drift</span>
                  ) : (
                    <span className="badge ok">clean</span>
                  )}
                </td>
                <td>{d.applied.length ? d.applied.join(', ') : <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
