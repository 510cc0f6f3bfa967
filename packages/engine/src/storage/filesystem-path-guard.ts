/**
 * The path-traversal guard of FileSystemStorage: a storage name becomes an absolute path only when
 * that path, with every symbolic link resolved, stays under the storage root. The deepest part of
 * the path that exists is passed through `realpath`, so a link anywhere on the way (a directory
 * pointing at `/etc`, a file pointing at `~/.ssh/id_rsa`) is caught; a dangling link is refused
 * too, since creating its target would write wherever it points.
 */
import { lstatSync, realpathSync } from 'node:fs'
import { lstat, realpath } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import { SuspiciousFileOperation } from './storage-errors.js'

/**
 * Whether `path` is `root` or below it (both absolute and already resolved).
 *
 * @example
 * ```ts
 * isInside('/var/media', '/var/media/a.txt') // true
 * isInside('/var/media', '/var/media-evil/a.txt') // false
 * ```
 */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/**
 * The absolute path of `name` (already checked by `checkName`) under `root` (a resolved real
 * path), or a {@link SuspiciousFileOperation} when it would resolve outside `root`.
 *
 * @example
 * ```ts
 * await resolveInside('/var/media', 'uploads/a.txt') // '/var/media/uploads/a.txt'
 * await resolveInside('/var/media', 'link-to-etc/passwd') // throws SuspiciousFileOperation
 * ```
 */
export async function resolveInside(root: string, name: string): Promise<string> {
  const target = join(root, ...name.split('/'))
  refuseUnless(isInside(root, target), name, root, target)
  let probe = target
  for (;;) {
    try {
      const real = await realpath(probe)
      refuseUnless(isInside(root, real), name, root, real)
      return target
    } catch (err) {
      if (!isMissing(err)) throw err
      if (await isDanglingLink(probe)) refuseDangling(name, root, probe)
      // the root itself is gone: there is no link left to follow
      if (probe === root) return target
      probe = dirname(probe)
    }
  }
}

/**
 * {@link resolveInside} without awaiting (for `FieldFile.path`, which is synchronous).
 *
 * @example
 * ```ts
 * resolveInsideSync('/var/media', 'uploads/a.txt') // '/var/media/uploads/a.txt'
 * ```
 */
export function resolveInsideSync(root: string, name: string): string {
  const target = join(root, ...name.split('/'))
  refuseUnless(isInside(root, target), name, root, target)
  let probe = target
  for (;;) {
    try {
      const real = realpathSync(probe)
      refuseUnless(isInside(root, real), name, root, real)
      return target
    } catch (err) {
      if (!isMissing(err)) throw err
      if (lstatSync(probe, { throwIfNoEntry: false })?.isSymbolicLink()) refuseDangling(name, root, probe)
      if (probe === root) return target
      probe = dirname(probe)
    }
  }
}

function refuseUnless(inside: boolean, name: string, root: string, resolved: string): void {
  if (inside) return
  throw new SuspiciousFileOperation(
    `Refusing to access '${name}': it resolves outside the storage root '${root}' (to '${resolved}'). ` +
      'Check the uploadTo of the field and any symbolic links inside the storage location.',
  )
}

function refuseDangling(name: string, root: string, link: string): never {
  throw new SuspiciousFileOperation(
    `Refusing to access '${name}': '${link}' is a symbolic link to a path that does not exist, and writing ` +
      `there could land outside the storage root '${root}'. Remove the link.`,
  )
}

async function isDanglingLink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink()
  } catch {
    return false
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
