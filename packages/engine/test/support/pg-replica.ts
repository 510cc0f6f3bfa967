/**
 * A streaming replica of a throwaway cluster, for replication tests: `pg_basebackup -R` from the
 * primary into a new data dir (standby.signal + primary_conninfo), then `pg_ctl start` on a free
 * port. `startPgCluster` already allows replication from 127.0.0.1 (wal_level replica,
 * max_wal_senders, a `host replication` line in pg_hba.conf).
 *
 * The replica's dir lives inside the primary's temp dir: should the test process be killed
 * outright, the primary's reaper removes both, and a postmaster whose data dir vanished shuts
 * itself down within a minute. A normal exit stops the replica before the primary.
 *
 * Use a primary of the test's own (`startPgCluster`), never the shared cluster.
 *
 * @example
 * ```ts
 * const primary = await startPgCluster({ name: 'lag-primary' })
 * const replica = await startPgReplica(primary, { name: 'lag-replica' })
 * // ... write on primary.url
 * await replica.waitForCatchUp(primary)
 * await replica.stop()
 * await primary.stop()
 * ```
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { asServerUser, getFreePort, type PgCluster, runServerCommand, serverEnv } from './pg-cluster.js'

/** A running streaming replica. Superuser `postgres`, trust auth, read-only (hot standby). */
export interface PgReplica {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  readonly port: number
  readonly name: string
  readonly dataDir: string
  /** The server log (`pg_ctl -l`). */
  readonly logFile: string
  /** Resolves when the replica has replayed everything the primary had written when called. */
  waitForCatchUp(primary: PgCluster, timeoutMs?: number): Promise<void>
  /** Stops the replica (fast) and removes its dir. Idempotent. */
  stop(): Promise<void>
}

export interface PgReplicaOptions {
  /** Label used in the dir name and as `cluster_name`; default `replica`. */
  name?: string
  /** How long to wait for the replica to start and catch up, in ms; default 60 000. */
  timeoutMs?: number
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return `(no server log at ${file})`
  }
}

/** A dir the server user can write to (as root: chowned to `postgres`). */
function serverOwnedDir(path: string): void {
  mkdirSync(path, { recursive: true })
  if (!isRoot) return
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  chownSync(path, uid, gid)
}

async function query<R>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows as R[]
  } finally {
    await client.end()
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      if (await check()) return
    } catch (err) {
      lastError = err
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`)
}

/**
 * Makes a streaming replica of `primary` and starts it; resolves once it is in recovery and has
 * replayed everything the primary had when the backup ended.
 */
export async function startPgReplica(primary: PgCluster, options: PgReplicaOptions = {}): Promise<PgReplica> {
  const name = (options.name ?? 'replica').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'replica'
  const timeoutMs = options.timeoutMs ?? 60_000
  const { binDir } = primary
  const baseDir = mkdtempSync(join(dirname(primary.dataDir), `${name}-`))
  const dataDir = join(baseDir, 'data')
  const socketDir = join(baseDir, 'sock')
  const logFile = join(baseDir, 'postgres.log')
  serverOwnedDir(baseDir)
  serverOwnedDir(socketDir)

  const pgCtl = (args: string[]) => {
    const [command, fullArgs] = asServerUser(binDir, 'pg_ctl', ['-D', dataDir, ...args])
    return runServerCommand(command, fullArgs, { cwd: baseDir })
  }
  const stopSync = () => {
    try {
      if (existsSync(join(dataDir, 'postmaster.pid'))) {
        const [command, args] = asServerUser(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
        execFileSync(command, args, { stdio: 'ignore', env: serverEnv(), cwd: baseDir, timeout: 30_000 })
      }
    } catch {
      // already gone: the dir is removed regardless
    }
    rmSync(baseDir, { recursive: true, force: true })
  }
  // before the primary's own exit handler, which removes the dir this one lives in
  process.prependListener('exit', stopSync)

  let port = 0
  try {
    const [backup, backupArgs] = asServerUser(binDir, 'pg_basebackup', [
      '-h',
      primary.host,
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      dataDir,
      '-R', // standby.signal + primary_conninfo
      '-X',
      'stream',
      '-c',
      'fast', // no waiting for a spread checkpoint
      '--no-sync',
    ])
    await runServerCommand(backup, backupArgs, { cwd: baseDir })
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        '# streaming replica (test/support/pg-replica.ts)',
        `cluster_name = '${name}'`,
        `unix_socket_directories = '${socketDir}'`,
        'hot_standby = on',
        '',
      ].join('\n'),
    )
    for (let attempt = 1; ; attempt++) {
      port = await getFreePort()
      try {
        await pgCtl(['-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-l', logFile, '-o', `-p ${port}`, 'start'])
        break
      } catch (error) {
        const lostRace = /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(
          tail(logFile),
        )
        if (!lostRace || attempt >= 3) throw error
      }
    }
  } catch (error) {
    stopSync()
    process.off('exit', stopSync)
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(
      `Could not start a replica of ${primary.url}: ${reason}\n--- tail of ${logFile} ---\n${tail(logFile)}`,
      {
        cause: error,
      },
    )
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let stopped = false
  const replica: PgReplica = {
    url,
    port,
    name,
    dataDir,
    logFile,
    async waitForCatchUp(from: PgCluster, waitMs = timeoutMs) {
      const [row] = await query<{ lsn: string }>(from.url, 'SELECT pg_current_wal_insert_lsn()::text AS lsn')
      const lsn = row?.lsn
      if (lsn === undefined) throw new Error(`no WAL position from the primary ${from.url}`)
      await waitFor(`replica '${name}' to replay the primary's WAL up to ${lsn}`, waitMs, async () => {
        const [row] = await query<{ done: boolean }>(
          url,
          'SELECT pg_is_in_recovery() AND pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0 AS done',
          [lsn],
        )
        return row?.done === true
      })
    },
    async stop() {
      if (stopped) return
      stopped = true
      process.off('exit', stopSync)
      if (existsSync(join(dataDir, 'postmaster.pid'))) {
        try {
          await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop'])
        } catch {
          // stopSync stops it immediately
        }
      }
      stopSync()
    },
  }
  try {
    await replica.waitForCatchUp(primary)
  } catch (error) {
    await replica.stop()
    throw new Error(`${error instanceof Error ? error.message : error}\n--- tail of ${logFile} ---\n${tail(logFile)}`)
  }
  return replica
}
