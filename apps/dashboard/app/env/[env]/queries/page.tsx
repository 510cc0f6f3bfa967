/**
 * `/env/[env]/queries`: the templates of the environment sorted by total time, with count,
 * p50/p95 (from merged histograms), max, errors and the routes they run on. `?route=` narrows to
 * one route.
 */
import Link from 'next/link'
import { topTemplates } from '../../../../lib/data/queries'
import { rangeQuery } from '../../../../lib/data/time-range'
import { PageToolbar } from '../../../../ui/page-toolbar'
import { SetupSnippet } from '../../../../ui/setup-snippet'
import { TemplatesTable } from '../../../../ui/templates-table'
import { type EnvPageProps, openEnvPage } from '../env-page'

export const dynamic = 'force-dynamic'

/** The queries page. */
export default async function QueriesPage(props: EnvPageProps) {
  const { env, range, environments, search } = await openEnvPage(props, '/queries')
  const route = typeof search.route === 'string' && search.route !== '' ? search.route : undefined
  const templates = await topTemplates(env, range, route === undefined ? {} : { route })
  const base = `/env/${encodeURIComponent(env)}`
  const query = rangeQuery(range)
  return (
    <>
      <h1>Queries · {env}</h1>
      <PageToolbar environments={environments} env={env} range={range} section="/queries" />
      {route !== undefined ? (
        <p>
          Route <code>{route}</code> only · <Link href={`${base}/queries?${query}`}>all routes</Link>
        </p>
      ) : null}
      {templates.length === 0 ? (
        <SetupSnippet environment={env} message="No query rollups in this range" />
      ) : (
        <TemplatesTable env={env} query={query} templates={templates} />
      )}
    </>
  )
}
