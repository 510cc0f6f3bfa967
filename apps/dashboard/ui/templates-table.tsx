/**
 * The templates table (queries page, and the pool page's "what holds the connections"): template
 * text (rendered as text, never as HTML), total time, count, p50/p95 from merged histograms, max,
 * errors and routes. Rows carry `data-testid="template-row"`, the p95 cells `template-p95`.
 *
 * @example
 * ```tsx
 * <TemplatesTable env="production" query="range=24h" templates={await topTemplates(env, range)} />
 * ```
 */
import Link from 'next/link'
import type { TemplateRow } from '../lib/data/queries'
import { formatCount, formatMs } from './format'

/** Props of {@link TemplatesTable}. */
export interface TemplatesTableProps {
  env: string
  /** The range query string carried by the links. */
  query: string
  templates: readonly TemplateRow[]
  /** Routes shown per template before "+N more". */
  routesShown?: number
}

/** The table (see the module doc). */
export function TemplatesTable({ env, query, templates, routesShown = 5 }: TemplatesTableProps) {
  const base = `/env/${encodeURIComponent(env)}`
  return (
    <div className="table-wrap">
      <table data-testid="templates-table">
        <thead>
          <tr>
            <th>Template</th>
            <th className="num">Total time</th>
            <th className="num">Count</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">Max</th>
            <th className="num">Errors</th>
            <th>Routes</th>
          </tr>
        </thead>
        <tbody>
          {templates.map((t) => (
            <tr key={t.fingerprint} data-testid="template-row" data-fingerprint={t.fingerprint}>
              <td className="sql">
                <Link href={`${base}/queries/${t.fingerprint}?${query}`}>
                  <code>{t.template}</code>
                </Link>
                <div className="muted">
                  {t.fingerprint} · {t.aliases.join(', ')}
                </div>
              </td>
              <td className="num">{formatMs(t.totalMs)}</td>
              <td className="num">{formatCount(t.count)}</td>
              <td className="num">{formatMs(t.p50Ms)}</td>
              <td className="num" data-testid="template-p95">
                {formatMs(t.p95Ms)}
              </td>
              <td className="num">{formatMs(t.maxMs)}</td>
              <td className="num">
                {t.errors > 0 ? <span className="badge error">{formatCount(t.errors)}</span> : '0'}
              </td>
              <td>
                {t.routes.slice(0, routesShown).map((r) => (
                  <div key={r}>
                    <Link href={`${base}/queries?${query}&route=${encodeURIComponent(r)}`}>
                      <code>{r}</code>
                    </Link>
                  </div>
                ))}
                {t.routes.length > routesShown ? (
                  <div className="muted">+{t.routes.length - routesShown} more</div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
