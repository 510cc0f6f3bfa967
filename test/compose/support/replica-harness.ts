/**
 * Runs the compose stack's PostgreSQL scripts outside Docker against throwaway PostgreSQL 15
 * clusters: the primary's init script, the replica's entrypoint (with stand-ins for the image's
 * `gosu` and `docker-entrypoint.sh`) and the replica's healthcheck. The primary's pg_hba.conf is
 * first made like the postgres image's (trust on the socket and loopback for ordinary connections,
 * scram-sha-256 for everything else, no replication line from the network), so replication works
 * only through the line the init script adds.
 *
 * @example
 * ```ts
 * const primary = await startImageLikePrimary()
 * runScript('scripts/docker/postgres-primary-init.sh', primaryInitEnv(primary, 'secret'))
 * ```
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asServerUser, type PgCluster, run, startPgCluster } from '../../../scripts/pg-cluster.mjs'
import { repoPath } from './repo.js'

/** What a script run answered. */
export interface ScriptRun {
  status: number | null
  stdout: string
  stderr: string
}

/** pg_hba.conf of the postgres image after its entrypoint (initdb's defaults + `host all all all scram-sha-256`). */
const IMAGE_LIKE_HBA = [
  'local all all trust',
  'host all all 127.0.0.1/32 trust',
  'local replication all trust',
  'host all all all scram-sha-256',
  '',
].join('\n')

/**
 * A throwaway primary whose pg_hba.conf is the postgres image's.
 *
 * @example
 * ```ts
 * const primary = await startImageLikePrimary()
 * ```
 */
export async function startImageLikePrimary(): Promise<PgCluster> {
  const primary = await startPgCluster({ name: 'compose-primary' })
  writeFileSync(join(primary.dataDir, 'pg_hba.conf'), IMAGE_LIKE_HBA)
  await reload(primary)
  return primary
}

/**
 * Reloads a cluster's configuration (pg_hba.conf).
 *
 * @example
 * ```ts
 * await reload(primary)
 * ```
 */
export async function reload(cluster: PgCluster): Promise<void> {
  const [command, args] = asServerUser(cluster.binDir, 'pg_ctl', ['-D', cluster.dataDir, 'reload'])
  await run(command, args)
}

/**
 * Runs a repository script with exactly `env` (plus the cluster's binaries on PATH).
 *
 * @example
 * ```ts
 * runScript('scripts/docker/postgres-replica-healthcheck.sh', { PGHOST: '/tmp/x', PGPORT: '5432' }, binDir)
 * ```
 */
export function runScript(script: string, env: Record<string, string>, binDir: string, args: string[] = []): ScriptRun {
  const path = [env.PATH, binDir, process.env.PATH].filter(Boolean).join(':')
  const result = spawnSync(repoPath(script), args, {
    env: { HOME: tmpdir(), LC_ALL: 'C.UTF-8', ...env, PATH: path },
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (result.error !== undefined) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * A directory with stand-ins for the postgres image's `gosu` (runs the command as the user, with
 * runuser) and `docker-entrypoint.sh` (records its arguments in `entrypoint-args` and exits 0).
 *
 * @example
 * ```ts
 * const { binDir, argsFile } = imageStandIns()
 * ```
 */
export function imageStandIns(): { dir: string; binDir: string; argsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dorm-compose-replica-'))
  chmodSync(dir, 0o777) // the server (postgres OS user) writes its log and socket here
  const binDir = join(dir, 'bin')
  const argsFile = join(dir, 'entrypoint-args')
  spawnSync('mkdir', ['-p', binDir])
  writeFileSync(join(binDir, 'gosu'), '#!/bin/sh\nuser="$1"\nshift\nexec runuser -u "$user" -- "$@"\n', {
    mode: 0o755,
  })
  writeFileSync(join(binDir, 'docker-entrypoint.sh'), `#!/bin/sh\necho "$*" > '${argsFile}'\n`, { mode: 0o755 })
  return { dir, binDir, argsFile }
}
