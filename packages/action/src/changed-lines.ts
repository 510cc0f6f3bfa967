/**
 * The lines a pull request changed, from `git diff --unified=0 <base>...HEAD`, so findings on them
 * are annotated first.
 */
import { execFileSync } from 'node:child_process'

/** Repository-relative path (with `/`) → the line numbers added or changed in the new version. */
export type ChangedLines = ReadonlyMap<string, ReadonlySet<number>>

/**
 * Parses a unified diff with zero context into the changed lines of each new file.
 *
 * @example
 * ```ts
 * parseChangedLines('+++ b/a.ts\n@@ -3,0 +4,2 @@\n').get('a.ts') // Set {4, 5}
 * ```
 */
export function parseChangedLines(diff: string): Map<string, Set<number>> {
  const changed = new Map<string, Set<number>>()
  let current: Set<number> | undefined
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4)
      current = undefined
      if (target !== '/dev/null') {
        const path = target.startsWith('b/') ? target.slice(2) : target
        current = changed.get(path) ?? new Set<number>()
        changed.set(path, current)
      }
      continue
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line)
    if (hunk === null || current === undefined) continue
    const start = Number(hunk[1])
    const count = hunk[2] === undefined ? 1 : Number(hunk[2])
    for (let n = start; n < start + count; n++) current.add(n)
  }
  return changed
}

/**
 * The lines changed since `base` in the repository at `workspace`, or undefined when git cannot
 * tell (no repository, a shallow clone without the base commit).
 *
 * @example
 * ```ts
 * const changed = changedLinesSince('/repo', 'origin/main')
 * changed?.get('src/shop/migrations/0002_x.ts')?.has(7)
 * ```
 */
export function changedLinesSince(workspace: string, base: string): ChangedLines | undefined {
  try {
    const diff = execFileSync(
      'git',
      ['-c', 'core.quotePath=false', 'diff', '--unified=0', '--no-color', '--no-ext-diff', `${base}...HEAD`, '--'],
      { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 },
    )
    return parseChangedLines(diff)
  } catch {
    return undefined
  }
}

/**
 * Whether git in `cwd` knows `ref` as a commit.
 *
 * @example
 * ```ts
 * if (!gitKnows(dir, baseSha)) core.warning('fetch-depth: 0 is needed to lint only the changed files')
 * ```
 */
export function gitKnows(cwd: string, ref: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd,
      stdio: 'ignore',
    })
    return true
  } catch {
    return false
  }
}
