/**
 * What the global setup hands to the specs (through the environment, which Playwright's workers
 * inherit): the server URL, the admin password, the keys, the seeded names and the deploy id.
 *
 * @example
 * ```ts
 * const state = runState()
 * await page.goto(`/env/production/deploys/${state.deployId}`)
 * ```
 */

/** The environments the setup creates. */
export const E2E_ENVIRONMENTS = ['production', 'staging'] as const

/** Secrets per environment. */
export type SeededKeys = Record<string, { ingest: string; ci: string }>

/** The run's state. */
export interface RunState {
  baseUrl: string
  password: string
  keys: SeededKeys
  /** The id of the seeded deploy report (production). */
  deployId: number
  /** Start of the seed's fixed timeline (ISO): every seeded item is at a fixed offset from it. */
  seedBase: string
  /** The service the example process reported as. */
  exampleService: string
}

/** The environment variable carrying the state. */
export const RUN_STATE_ENV = 'E2E_RUN_STATE'

/**
 * The state written by the global setup.
 *
 * @example
 * ```ts
 * runState().password
 * ```
 */
export function runState(): RunState {
  const raw = process.env[RUN_STATE_ENV]
  if (!raw) throw new Error(`${RUN_STATE_ENV} is not set: run the specs through playwright test (global-setup.ts)`)
  return JSON.parse(raw) as RunState
}
