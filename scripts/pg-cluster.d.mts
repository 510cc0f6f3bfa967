/** Types for `scripts/pg-cluster.mjs`: throwaway PostgreSQL clusters for tests and benchmarks. */

/** How `pg_ctl stop` shuts the server down: `fast` rolls back open transactions, `immediate` crashes it. */
export type PgStopMode = 'smart' | 'fast' | 'immediate'

export interface PgClusterOptions {
  /** TCP port on 127.0.0.1; default: a free one picked by the OS. */
  port?: number
  /** Short label used in the temp dir name and as `cluster_name` (visible in `ps`); default `dorm`. */
  name?: string
}

/** A running throwaway cluster. Superuser `postgres`, trust auth, database `postgres`. */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  readonly port: number
  /** Always `127.0.0.1`. */
  readonly host: string
  readonly name: string
  /** Directory of the Unix socket (`psql -h <socketDir> -p <port>`). */
  readonly socketDir: string
  readonly dataDir: string
  /** Directory holding initdb, pg_ctl, pg_basebackup... */
  readonly binDir: string
  /** The server log (`pg_ctl -l`). */
  readonly logFile: string
  /** Stops the server (fast) and removes the temp dir. Idempotent. */
  stop(): Promise<void>
  /** Stops only the server, keeping the data: for outage tests. Rejects when it is not running. */
  stopServer(mode?: PgStopMode): Promise<void>
  /** Starts the server again on the same port. */
  startServer(): Promise<void>
  /** `stopServer('fast')` then `startServer()`. */
  restart(): Promise<void>
}

/** Creates and starts a throwaway cluster; installs PostgreSQL with apt first when missing and root. */
export function startPgCluster(options?: PgClusterOptions): Promise<PgCluster>

/**
 * The directory holding initdb, pg_ctl and postgres: `$DORM_PG_BINDIR`, `/usr/lib/postgresql/15/bin`,
 * then `pg_config --bindir`. Installs Debian's `postgresql` with apt when none is found and running as
 * root; otherwise throws with instructions.
 */
export function findPgBinDir(): string

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function getFreePort(): Promise<number>

/**
 * The command and arguments that run a server binary from `binDir` as the `postgres` OS user (when
 * this process is root) or directly: e.g. to run `pg_basebackup` for a replica.
 */
export function asServerUser(binDir: string, bin: string, args: string[]): [command: string, args: string[]]

/** Environment for server commands: the caller's PG* variables removed, LC_ALL=C.UTF-8. */
export function serverEnv(): NodeJS.ProcessEnv

/** Runs a command to completion with {@link serverEnv}; resolves with its output, rejects with it in the message. */
export function run(command: string, args: string[], options?: { cwd?: string }): Promise<string>
