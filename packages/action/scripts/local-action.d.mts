/** Types for `scripts/local-action.mjs`. */

/** The pinned `@github/local-action` release. */
export const LOCAL_ACTION: string

/** Runs the Action through `npx @github/local-action run` with `envFile`. */
export function runLocalAction(envFile: string, options?: { echo?: boolean }): Promise<{ code: number; output: string }>
