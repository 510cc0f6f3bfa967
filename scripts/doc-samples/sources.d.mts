/** Types for `scripts/doc-samples/sources.mjs`: the markdown files the docs sample rule covers. */

/**
 * Repo-relative paths (`/` separated, sorted) of README.md, docs/**\/*.md and the workspaces' READMEs.
 * @example
 * listSampleSources('/work/main') // ['README.md', 'apps/dashboard/README.md', 'docs/orm.md', ...]
 */
export declare function listSampleSources(repoRoot: string): string[]
