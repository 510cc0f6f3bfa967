/**
 * Paths of the repository the compose checks read: the root, and helpers to read or test a file
 * relative to it.
 *
 * @example
 * ```ts
 * const compose = readRepoFile('docker-compose.yml')
 * ```
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is test/compose/support/repo.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * The absolute path of a repository-relative path.
 *
 * @example
 * ```ts
 * repoPath('scripts/docker/minio-setup.sh')
 * ```
 */
export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative)
}

/**
 * A repository file's text.
 *
 * @example
 * ```ts
 * readRepoFile('docs/docker.md').includes('3000')
 * ```
 */
export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8')
}

/**
 * Whether a repository-relative path exists.
 *
 * @example
 * ```ts
 * repoFileExists('apps/dashboard/app/api/v1/health/route.ts') // true
 * ```
 */
export function repoFileExists(relative: string): boolean {
  return existsSync(repoPath(relative))
}
