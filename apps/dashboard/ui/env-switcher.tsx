'use client'
/**
 * The environment switcher: on `/env/<name>/...` pages it swaps the name in the path (keeping the
 * page and the range); elsewhere it writes `?env=` (the fleet grid's filter, '' for all).
 *
 * @example
 * ```tsx
 * <EnvSwitcher environments={['production', 'staging']} current="production" />
 * ```
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation'

/** Props of {@link EnvSwitcher}. */
export interface EnvSwitcherProps {
  environments: readonly string[]
  /** The environment shown, or '' for all (fleet page only). */
  current: string
  /** Offer "all environments" (the fleet page). */
  allowAll?: boolean
}

/** The switcher (see the module doc). */
export function EnvSwitcher({ environments, current, allowAll = false }: EnvSwitcherProps) {
  const router = useRouter()
  const pathname = usePathname()
  const searchParams = useSearchParams()
  return (
    <label className="picker">
      <span>Environment</span>
      <select
        data-testid="env-switcher"
        aria-label="Environment"
        value={current}
        onChange={(event) => {
          const next = event.target.value
          const params = new URLSearchParams(searchParams.toString())
          const match = /^\/env\/[^/]+(\/[^?]*)?$/.exec(pathname)
          if (match && next !== '') {
            // a template (same fingerprint everywhere) keeps its page; a deploy has no twin: its list
            const rest = match[1] ?? ''
            const section = rest.startsWith('/deploys/') ? '/deploys' : rest
            params.delete('env')
            const query = params.toString()
            router.push(`/env/${encodeURIComponent(next)}${section}${query ? `?${query}` : ''}`)
            return
          }
          if (next === '') params.delete('env')
          else params.set('env', next)
          const query = params.toString()
          router.push(`${pathname}${query ? `?${query}` : ''}`)
        }}
      >
        {allowAll ? <option value="">all environments</option> : null}
        {environments.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
}
