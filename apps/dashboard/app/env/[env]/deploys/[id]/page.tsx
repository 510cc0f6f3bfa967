/**
 * `/env/[env]/deploys/[id]`: one deploy report: where it came from, the lint findings with their
 * codes (linking the rule docs), the dry-run SQL per migration (collapsed), drift, applied
 * migrations, and the templates touching the tables it changed, 24 h before and after.
 */
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { deployDetail } from '../../../../../lib/data/deploys'
import { formatCount, formatMs, formatTime, shortSha } from '../../../../../ui/format'
import { PageToolbar } from '../../../../../ui/page-toolbar'
import { type EnvPageProps, openEnvPage } from '../../env-page'

export const dynamic = 'force-dynamic'

function ruleDocs(code: string, docs: string | undefined): string {
  if (docs && /^https?:\/\//.test(docs)) return docs
  return `/docs/rules/${encodeURIComponent(code)}`
}

/** The deploy page. */
export default async function DeployPage(props: EnvPageProps) {
  const id = Number((await props.params).id)
  if (!Number.isSafeInteger(id) || id <= 0) notFound()
  const { env, range, environments } = await openEnvPage(props, `/deploys/${id}`)
  const deploy = await deployDetail(env, id)
  if (!deploy) notFound()
  const { report } = deploy
  const findings = report.lint?.findings ?? []
  const plan = report.dry_run?.plan ?? []
  const drift = report.drift
  return (
    <>
      <h1>
        Deploy <code>{shortSha(deploy.gitSha)}</code> · {env}
      </h1>
      <PageToolbar environments={environments} env={env} range={range} section="/deploys" hideRange />
      <div className="cards">
        <div className="card">
          <div className="label">Status</div>
          <div className="value">
            <span className={`badge ${deploy.status}`}>{deploy.status}</span>
          </div>
          <div className="muted">{formatTime(deploy.finishedAt)}</div>
        </div>
        <div className="card">
          <div className="label">Source</div>
          <div>{deploy.repository ?? '–'}</div>
          <div className="muted">
            {deploy.ref ?? ''} {deploy.pullRequest ? `· PR #${deploy.pullRequest}` : ''}
          </div>
          {deploy.runUrl && /^https?:\/\//.test(deploy.runUrl) ? (
            <a href={deploy.runUrl} rel="noreferrer noopener" target="_blank">
              workflow run
            </a>
          ) : null}
        </div>
        <div className="card">
          <div className="label">Lint</div>
          <div className="value">
            {deploy.errors} errors · {deploy.warnings} warnings
          </div>
        </div>
        <div className="card">
          <div className="label">Drift</div>
          <div className="value">
            {drift === null ? (
              '–'
            ) : drift.drift ? (
              <span className="badge error">drift</span>
            ) : (
              <span className="badge ok">clean</span>
            )}
          </div>
        </div>
      </div>
      {report.failure ? (
        <section className="banner danger">
          <h2>Failed: {report.failure.kind}</h2>
          <pre>
            <code>{report.failure.message}</code>
          </pre>
        </section>
      ) : null}

      <h2>Lint findings</h2>
      {findings.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Code</th>
              <th>Severity</th>
              <th>Where</th>
              <th>Finding</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f) => (
              <tr
                key={`${f.code}-${f.file}-${f.line}-${f.column ?? 0}-${f.message}`}
                data-testid="deploy-finding"
                data-code={f.code}
              >
                <td>
                  <Link href={ruleDocs(f.code, f.docs)}>
                    <code>{f.code}</code>
                  </Link>
                </td>
                <td>
                  <span className={`badge ${f.severity}`}>{f.severity}</span>
                </td>
                <td>
                  <code>
                    {f.file}:{f.line}
                  </code>
                  {f.operation ? <div className="muted">{f.operation}</div> : null}
                </td>
                <td>
                  {f.message}
                  {f.help ? <div className="muted">{f.help}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Dry-run SQL</h2>
      {plan.length === 0 ? (
        <p className="muted">No pending migration in the plan.</p>
      ) : (
        plan.map((migration) => (
          <details key={`${migration.app}.${migration.name}`} data-testid="dry-run-sql">
            <summary>
              {migration.app}.{migration.name} <span className="muted">({migration.sql.length} statements)</span>
            </summary>
            <pre>
              <code>{migration.sql.join(';\n\n')}</code>
            </pre>
          </details>
        ))
      )}
      {deploy.tables.length ? (
        <p>Tables changed: {deploy.tables.map((t, i) => [i ? ', ' : '', <code key={t}>{t}</code>])}</p>
      ) : null}

      <h2>Templates touching the changed tables (24 h before / after)</h2>
      {deploy.impact.length === 0 ? (
        <p className="muted">
          {deploy.tables.length ? 'No template of this environment names those tables.' : 'The plan changes no table.'}
        </p>
      ) : (
        <table data-testid="deploy-impact">
          <thead>
            <tr>
              <th>Template</th>
              <th>Tables</th>
              <th className="num">Calls before</th>
              <th className="num">p95 before</th>
              <th className="num">Calls after</th>
              <th className="num">p95 after</th>
            </tr>
          </thead>
          <tbody>
            {deploy.impact.map((t) => (
              <tr key={t.fingerprint} data-testid="deploy-impact-row">
                <td className="sql">
                  <Link href={`/env/${encodeURIComponent(env)}/queries/${t.fingerprint}`}>
                    <code>{t.template}</code>
                  </Link>
                </td>
                <td>{t.tables.join(', ')}</td>
                <td className="num">{formatCount(t.before.count)}</td>
                <td className="num">{formatMs(t.before.p95Ms)}</td>
                <td className="num">{formatCount(t.after.count)}</td>
                <td className="num">{formatMs(t.after.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Drift</h2>
      {drift === null ? (
        <p className="muted">Not checked by this run.</p>
      ) : drift.findings.length === 0 ? (
        <p>The database matches the migrations.</p>
      ) : (
        <ul data-testid="drift-findings">
          {drift.findings.map((f) => (
            <li key={`${f.kind}-${f.detail}`}>
              <code>{f.kind}</code> {f.detail}
            </li>
          ))}
        </ul>
      )}

      <h2>Applied migrations</h2>
      {deploy.applied.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {deploy.applied.map((name) => (
            <li key={name}>
              <code>{name}</code>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
