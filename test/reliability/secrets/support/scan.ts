/**
 * The canary scan: looks for the planted secrets (test/support/canaries.ts) in named outputs, raw
 * and in the encoded forms a leak could take (URL-encoded, base64, JSON-escaped).
 *
 * @example
 * ```ts
 * const scan = scanForCanaries([{ name: 'server log', text: log }])
 * expect(scan.leaks).toEqual([])
 * ```
 */
import { CANARIES } from '../../../support/canaries.js'

/** One leak: where, which canary, in which form, and the text around it. */
export interface Leak {
  name: string
  canary: string
  form: string
  context: string
}

/** What a scan covered and found. */
export interface CanaryScan {
  outputs: number
  bytes: number
  leaks: Leak[]
}

function formsOf(canary: string): Array<[form: string, text: string]> {
  return [
    ['raw', canary],
    ['url-encoded', encodeURIComponent(canary)],
    ['base64', Buffer.from(canary).toString('base64').replace(/=+$/, '')],
  ]
}

/**
 * Scans each output for every canary (or the given secrets) in every form.
 *
 * @example
 * ```ts
 * scanForCanaries([{ name: 'a', text: 'canary-pw-7Hq2xZ' }]).leaks.length // 1
 * scanForCanaries(pages, [...CANARIES, keySecret])
 * ```
 */
export function scanForCanaries(
  outputs: ReadonlyArray<{ name: string; text: string }>,
  secrets: readonly string[] = CANARIES,
): CanaryScan {
  const leaks: Leak[] = []
  let bytes = 0
  for (const { name, text } of outputs) {
    bytes += Buffer.byteLength(text)
    for (const canary of secrets) {
      for (const [form, needle] of formsOf(canary)) {
        const at = text.indexOf(needle)
        if (at >= 0)
          leaks.push({ name, canary, form, context: text.slice(Math.max(0, at - 120), at + needle.length + 40) })
      }
    }
  }
  return { outputs: outputs.length, bytes, leaks }
}
