/**
 * The markdown files whose TypeScript samples are checked: README.md, docs/**\/*.md and the READMEs
 * of the workspaces (packages/*, apps/*, examples/*, e2e).
 */
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Folders whose direct sub-folders are workspaces with a README.md. */
const WORKSPACE_PARENTS = ['packages', 'apps', 'examples']

/**
 * Repo-relative paths (`/` separated, sorted) of every markdown file the docs sample rule covers.
 * @param {string} repoRoot
 * @returns {string[]}
 * @example
 * listSampleSources('/work/main') // ['README.md', 'apps/dashboard/README.md', 'docs/orm.md', ...]
 */
export function listSampleSources(repoRoot) {
  /** @type {string[]} */
  const files = []
  const add = (/** @type {string} */ path) => {
    if (existsSync(path)) files.push(relative(repoRoot, path).replaceAll('\\', '/'))
  }
  add(join(repoRoot, 'README.md'))
  add(join(repoRoot, 'e2e', 'README.md'))
  for (const parent of WORKSPACE_PARENTS) {
    const dir = join(repoRoot, parent)
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) add(join(dir, entry.name, 'README.md'))
    }
  }
  const docs = join(repoRoot, 'docs')
  if (existsSync(docs)) {
    for (const entry of readdirSync(docs, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.md') && !entry.parentPath.includes('node_modules')) {
        add(join(entry.parentPath, entry.name))
      }
    }
  }
  return [...new Set(files)].sort()
}
