/** Types for `scripts/build.mjs`. */

/** Absolute path of the committed bundle, `packages/action/dist/index.js`. */
export const DIST_FILE: string

/** Bundles `src/index.ts` into `outfile` with the options of the committed bundle. */
export function buildBundle(outfile: string): Promise<void>
