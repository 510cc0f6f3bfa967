/**
 * Memory of a running process, read from Linux's /proc: the resident set (VmRSS) of one pid, and
 * the pid that really serves when a launcher forks (`next start` may run the server in a child
 * whose command line reads `next-server`).
 *
 * @example
 * ```ts
 * const serverPid = await servingPid(dashboard.pid, /^next-server/)
 * await rssMb(serverPid) // 182.4
 * ```
 */
import { readdir, readFile } from 'node:fs/promises'

/**
 * Resident memory of `pid` in MB (VmRSS), or undefined when the process is gone.
 *
 * @example
 * ```ts
 * await rssMb(process.pid)
 * ```
 */
export async function rssMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

async function childrenOf(pid: number): Promise<number[]> {
  try {
    const tasks = await readdir(`/proc/${pid}/task`)
    const lists = await Promise.all(
      tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')),
    )
    return lists.flatMap((list) => list.trim().split(/\s+/).filter(Boolean).map(Number))
  } catch {
    return []
  }
}

async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ').trim()
}

/**
 * `pid` itself, or the first of its descendants whose command line matches `serverPattern`.
 *
 * @example
 * ```ts
 * await servingPid(launcherPid, /^next-server/) // the forked server, or launcherPid when it does not fork
 * ```
 */
export async function servingPid(pid: number, serverPattern: RegExp): Promise<number> {
  const queue = [pid]
  while (queue.length > 0) {
    const current = queue.shift() as number
    if (serverPattern.test(await commandLine(current))) return current
    queue.push(...(await childrenOf(current)))
  }
  return pid
}
