/**
 * N+1 findings from the request samples: every kept request whose query log saw one template
 * repeated (the exporter always keeps those requests), grouped by route and template.
 *
 * @example
 * ```ts
 * const findings = await nPlusOneFindings('production', range)
 * findings[0] // { route: 'GET /articles', template: 'SELECT ... WHERE author_id = ?', requests: 12, maxRepeats: 50 }
 * ```
 */
import { ensureDatabase } from '../db'
import { RequestSample } from '../models'
import { templateTexts } from './queries'
import type { TimeRange } from './time-range'

/** One (route, template) with N+1 repeats. */
export interface NPlusOneFinding {
  service: string
  method: string
  route: string
  fingerprint: string
  template: string
  /** Requests in which it was found. */
  requests: number
  /** Most repeats in one request. */
  maxRepeats: number
  lastAt: Date
}

interface Repeat {
  fingerprint?: unknown
  template?: unknown
  count?: unknown
}

/**
 * The findings of a range, most requests first.
 *
 * @example
 * ```ts
 * await nPlusOneFindings(env, range)
 * ```
 */
export async function nPlusOneFindings(env: string, range: TimeRange): Promise<NPlusOneFinding[]> {
  await ensureDatabase()
  const rows = (await RequestSample.objects
    .filter({ service__environment__name: env, at__gte: range.from, at__lte: range.to } as never)
    .values('service__name', 'method', 'route', 'at', 'nplusone')) as unknown as {
    service__name: string
    method: string
    route: string
    at: Date
    nplusone: unknown
  }[]
  const findings = new Map<string, NPlusOneFinding>()
  for (const row of rows) {
    if (!Array.isArray(row.nplusone)) continue
    const at = new Date(row.at)
    for (const repeat of row.nplusone as Repeat[]) {
      const fingerprint = String(repeat.fingerprint ?? '')
      const key = `${row.service__name}\u0000${row.method}\u0000${row.route}\u0000${fingerprint}`
      const count = Number(repeat.count ?? 0)
      const finding = findings.get(key)
      if (finding) {
        finding.requests += 1
        finding.maxRepeats = Math.max(finding.maxRepeats, count)
        if (at > finding.lastAt) finding.lastAt = at
      } else {
        findings.set(key, {
          service: row.service__name,
          method: row.method,
          route: row.route,
          fingerprint,
          template: String(repeat.template ?? ''),
          requests: 1,
          maxRepeats: count,
          lastAt: at,
        })
      }
    }
  }
  // the ingest keeps the fingerprints; their text is in QueryTemplate
  const texts = await templateTexts([...new Set([...findings.values()].map((f) => f.fingerprint))])
  for (const finding of findings.values()) finding.template ||= texts.get(finding.fingerprint) ?? ''
  return [...findings.values()].sort((a, b) => b.requests - a.requests || b.maxRepeats - a.maxRepeats)
}
