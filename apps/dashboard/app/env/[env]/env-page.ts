/**
 * What every `/env/[env]/...` page does first: check the session (redirecting to /login with the
 * page to come back to), read the range from the URL, answer 404 for an unknown environment, and
 * list the environments for the switcher.
 *
 * @example
 * ```tsx
 * export default async function PoolPage(props: EnvPageProps) {
 *   const { env, range, environments } = await openEnvPage(props, '/pool')
 * }
 * ```
 */
import { notFound } from 'next/navigation'
import { requireSession } from '../../../lib/auth'
import { environmentExists, environmentNames } from '../../../lib/data/environments'
import { parseTimeRange, type SearchParams, type TimeRange } from '../../../lib/data/time-range'

/** The props Next gives an environment page. */
export interface EnvPageProps {
  params: Promise<{ env: string; [key: string]: string }>
  searchParams: Promise<SearchParams>
}

/** What {@link openEnvPage} resolves. */
export interface EnvPage {
  env: string
  params: Record<string, string>
  search: SearchParams
  range: TimeRange
  environments: string[]
}

function queryOf(search: SearchParams): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(search)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(key, v)
  }
  const text = query.toString()
  return text ? `?${text}` : ''
}

/**
 * Opens an environment page (see the module doc). `subpath` is the page below `/env/<env>`.
 *
 * @example
 * ```ts
 * const page = await openEnvPage(props, `/queries/${fingerprint}`)
 * ```
 */
export async function openEnvPage(props: EnvPageProps, subpath: string): Promise<EnvPage> {
  const [params, search] = await Promise.all([props.params, props.searchParams])
  const env = decodeURIComponent(params.env)
  await requireSession(`/env/${encodeURIComponent(env)}${subpath}${queryOf(search)}`)
  if (!(await environmentExists(env))) notFound()
  const environments = await environmentNames()
  return { env, params, search, range: parseTimeRange(search), environments }
}
