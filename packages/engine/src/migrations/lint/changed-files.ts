/**
 * `dorm lint-migrations --since <ref>`: the files added or changed since a git ref — committed
 * (`git diff --name-only <ref>...HEAD`), staged, unstaged and untracked (`git status --porcelain`).
 */
import { execFileSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { MigrationError } from '../../errors.js'

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function stderrOf(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr
  const text = typeof stderr === 'string' ? stderr : Buffer.isBuffer(stderr) ? stderr.toString('utf8') : ''
  return text.trim() || (err as Error).message
}

/**
 * The root of the git work tree holding `cwd` (symlinks resolved); a MigrationError outside one.
 *
 * @example
 * ```ts
 * gitTopLevel(process.cwd()) // '/home/me/project'
 * ```
 */
export function gitTopLevel(cwd: string): string {
  try {
    return realpathSync(git(cwd, ['rev-parse', '--show-toplevel']).trim())
  } catch (err) {
    throw new MigrationError(`--since needs a git repository: ${stderrOf(err)}`)
  }
}

/** The path of one `git status --porcelain` line (the new path of a rename), unquoted. */
function porcelainPath(line: string): string {
  let path = line.slice(3)
  const arrow = path.indexOf(' -> ')
  if (arrow >= 0) path = path.slice(arrow + 4)
  if (path.startsWith('"') && path.endsWith('"')) path = JSON.parse(path) as string
  return path
}

/**
 * Absolute paths (symlinks of the repo root resolved) of the files added or changed since `ref`,
 * committed or not, untracked ones included; deleted files are left out. A MigrationError names
 * `ref` when git does not know it.
 *
 * @example
 * ```ts
 * const changed = changedFilesSince('origin/main', process.cwd())
 * changed.has('/home/me/project/shop/migrations/0004_total.ts') // true
 * ```
 */
export function changedFilesSince(ref: string, cwd: string): Set<string> {
  const root = gitTopLevel(cwd)
  try {
    git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
  } catch {
    throw new MigrationError(`Unknown git ref '${ref}' for --since.`)
  }
  const files = new Set<string>()
  let committed: string
  try {
    committed = git(root, ['diff', '--name-only', '--diff-filter=d', '-z', `${ref}...HEAD`, '--'])
  } catch (err) {
    throw new MigrationError(`Cannot diff against git ref '${ref}': ${stderrOf(err)}`)
  }
  for (const path of committed.split('\0')) if (path) files.add(resolve(root, path))
  const status = git(root, ['-c', 'core.quotePath=false', 'status', '--porcelain', '--untracked-files=all'])
  for (const line of status.split('\n')) {
    if (line.length < 4) continue
    const state = line.slice(0, 2)
    if (state.includes('D')) continue
    files.add(resolve(root, porcelainPath(line)))
  }
  return files
}

/**
 * Whether `file` (relative to `cwd`, or absolute) is one of `changed`.
 *
 * @example
 * ```ts
 * isChanged('shop/migrations/0004_total.ts', process.cwd(), changedFilesSince('main', process.cwd()))
 * ```
 */
export function isChanged(file: string, cwd: string, changed: ReadonlySet<string>): boolean {
  const path = resolve(cwd, file)
  if (changed.has(path)) return true
  try {
    return changed.has(realpathSync(path))
  } catch {
    return false
  }
}
