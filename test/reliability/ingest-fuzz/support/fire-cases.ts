/**
 * Sends hostile cases to a dashboard in batches, checking between batches that it still answers
 * its health endpoint and its process still runs, and tallies the statuses per class.
 *
 * @example
 * ```ts
 * const tally = await fireCases(dashboard, cases, { concurrency: 6, batchSize: 50 })
 * tally.mismatches // [] when every request got its documented status
 * ```
 */
import type { DashboardUnderTest } from './dashboard-under-test.js'
import { ENDPOINT_PATH, type HostileCase } from './hostile-cases.js'
import { type RawResponse, sendRaw } from './raw-http.js'

/** What a run of cases gave. */
export interface CaseTally {
  sent: number
  /** Per class: how many, and how many got each status. */
  byClass: Record<string, { sent: number; statuses: Record<string, number> }>
  /** Cases whose status (or body, for rejected items) was not the documented one. */
  mismatches: string[]
  /** Health checks made between batches, and how many did not answer 200. */
  healthChecks: number
  healthFailures: number
  /** Largest resident memory of the server seen between batches (MB). */
  peakRssMb: number
  /** Cases that expected a 202 with every item rejected. */
  rejectedItemBatches: number
}

function checkAnswer(hostile: HostileCase, answer: RawResponse): string | undefined {
  if (answer.status !== hostile.expected) {
    const field = hostile.field === undefined ? '' : ` [${hostile.field}]`
    return `${hostile.kind}${field} (${hostile.endpoint}): ${answer.status} instead of ${hostile.expected}: ${answer.body.slice(0, 300)}`
  }
  if (hostile.stores === 'rejected-items') {
    const parsed = JSON.parse(answer.body) as { accepted?: number; rejected?: number }
    if (parsed.accepted !== 0 || parsed.rejected !== 1) {
      return `${hostile.kind}: items not all rejected: ${answer.body.slice(0, 300)}`
    }
  }
  if (answer.status === 429 && !/^\d+$/.test(answer.headers['retry-after'] ?? '')) {
    return `${hostile.kind}: 429 without a Retry-After header`
  }
  return undefined
}

/**
 * Sends `cases` (at most `concurrency` at once), a health check after every `batchSize`.
 *
 * @example
 * ```ts
 * await fireCases(dashboard, hostileCases({ keys, random }), { concurrency: 4, batchSize: 50 })
 * ```
 */
export async function fireCases(
  dashboard: DashboardUnderTest,
  cases: readonly HostileCase[],
  options: { concurrency: number; batchSize: number },
): Promise<CaseTally> {
  const tally: CaseTally = {
    sent: 0,
    byClass: {},
    mismatches: [],
    healthChecks: 0,
    healthFailures: 0,
    peakRssMb: 0,
    rejectedItemBatches: 0,
  }
  for (let start = 0; start < cases.length; start += options.batchSize) {
    const batch = cases.slice(start, start + options.batchSize)
    let next = 0
    const worker = async () => {
      for (let index = next++; index < batch.length; index = next++) {
        const hostile = batch[index] as HostileCase
        const entry = tally.byClass[hostile.kind] ?? { sent: 0, statuses: {} }
        tally.byClass[hostile.kind] = entry
        let answer: RawResponse
        try {
          answer = await sendRaw(`${dashboard.url}${ENDPOINT_PATH[hostile.endpoint]}`, hostile.request)
        } catch (err) {
          entry.sent += 1
          entry.statuses.error = (entry.statuses.error ?? 0) + 1
          tally.mismatches.push(`${hostile.kind} (${hostile.endpoint}): no answer: ${(err as Error).message}`)
          continue
        }
        tally.sent += 1
        entry.sent += 1
        entry.statuses[answer.status] = (entry.statuses[answer.status] ?? 0) + 1
        if (hostile.stores === 'rejected-items') tally.rejectedItemBatches += 1
        const problem = checkAnswer(hostile, answer)
        if (problem !== undefined) tally.mismatches.push(problem)
      }
    }
    await Promise.all(Array.from({ length: options.concurrency }, worker))
    tally.healthChecks += 1
    const healthy =
      dashboard.alive() &&
      (await fetch(`${dashboard.url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) }).then(
        (response) => response.status === 200,
        () => false,
      ))
    if (!healthy) tally.healthFailures += 1
    if (dashboard.alive()) tally.peakRssMb = Math.max(tally.peakRssMb, await dashboard.rssMb())
  }
  return tally
}
