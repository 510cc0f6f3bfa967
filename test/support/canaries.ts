/**
 * Secrets planted by the reliability suite. Every scenario that configures a password, token or
 * database URL uses these values, so the secrets scan (`reliability/secrets/`) can look for them in
 * everything the suite printed, logged, returned or rendered: finding one there is a leak.
 *
 * @example
 * ```ts
 * const url = withCanaryPassword(await freshPgDatabase('writers'))  // needs the role's password set
 * expect(output).not.toContain(CANARY_PASSWORD)
 * ```
 */

/** A database password no output may show. */
export const CANARY_PASSWORD = 'canary-pw-7Hq2xZ'

/** An API token (dashboard key, GitHub token) no output may show. */
export const CANARY_TOKEN = 'canary-token-Vb93Lp'

/** Every canary, for scans. */
export const CANARIES: readonly string[] = [CANARY_PASSWORD, CANARY_TOKEN]

/** The canaries found in `text` (empty when none leaked). */
export function leakedCanaries(text: string): string[] {
  return CANARIES.filter((canary) => text.includes(canary))
}
