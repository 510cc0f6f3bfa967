/** The machine, the versions and the core placement the report records. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import type pg from 'pg'

export interface MachineInfo {
  cpu: string
  cores: number
  memory_gib: number
  os: string
  node: string
  postgresql: string
  load_average_start: number[]
  versions: Record<string, string>
}

const PACKAGES = [
  'pg',
  'postgres',
  'drizzle-orm',
  'kysely',
  'prisma',
  '@prisma/client',
  '@prisma/adapter-pg',
  '@prisma/adapter-better-sqlite3',
  'better-sqlite3',
  '@libsql/client',
]

/**
 * The installed version of a package ('?' when it cannot be read).
 *
 * @example
 * ```ts
 * packageVersion('pg') // '8.16.3'
 * ```
 */
export function packageVersion(name: string): string {
  const require = createRequire(import.meta.url)
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version
  } catch {
    // packages whose exports hide package.json: walk up from the entry point
  }
  try {
    let dir = require.resolve(name)
    for (;;) {
      dir = dir.slice(0, dir.lastIndexOf('/'))
      try {
        const json = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: string; version: string }
        if (json.name === name) return json.version
      } catch {}
      if (!dir.includes('/node_modules/')) return '?'
    }
  } catch {
    return '?'
  }
}

/**
 * Describes this machine and the versions in play.
 *
 * @example
 * ```ts
 * const info = await machineInfo(client)
 * ```
 */
export async function machineInfo(client: pg.Client): Promise<MachineInfo> {
  const server = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'
  const engine = JSON.parse(readFileSync(new URL('../../packages/engine/package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return {
    cpu: os.cpus()[0]?.model ?? '?',
    cores: os.cpus().length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgresql: server,
    load_average_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
    versions: Object.fromEntries([['@dorm/engine', engine.version], ...PACKAGES.map((p) => [p, packageVersion(p)])]),
  }
}

/**
 * Pins the PostgreSQL postmaster and its processes to core 1 (new backends inherit it) and this
 * process to core 0; the children are started on core 0. Returns what was done, for the report.
 *
 * @example
 * ```ts
 * const placement = await pinServer(client, true)
 * ```
 */
export async function pinServer(client: pg.Client, enabled: boolean): Promise<string> {
  if (!enabled) return 'not pinned (BENCH_NO_PIN=1)'
  if (os.cpus().length < 2) return 'not pinned (one core)'
  try {
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
    const status = readFileSync(`/proc/${backend}/status`, 'utf8')
    const postmaster = Number(/PPid:\s+(\d+)/.exec(status)?.[1])
    const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/)
    for (const pid of [postmaster, ...children].filter(Boolean)) {
      execFileSync('taskset', ['-a', '-p', '-c', '1', String(pid)], { stdio: 'ignore' })
    }
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
    return 'Node processes on core 0, PostgreSQL (postmaster and every backend) on core 1 (taskset)'
  } catch (error) {
    return `not pinned (${(error as Error).message.split('\n')[0]})`
  }
}
