/**
 * Throwaway PostgreSQL clusters for tests and benchmarks: `initdb` into a temp dir, a free port on
 * 127.0.0.1, a socket dir inside the temp dir, durability off (fsync, synchronous_commit,
 * full_page_writes) for speed, and replication allowed from 127.0.0.1 so a streaming replica can be
 * made from it with `pg_basebackup -R`.
 *
 * `initdb` refuses to run as root, so as root every server command runs as the `postgres` OS user
 * (`runuser -u postgres --`); as anyone else it runs as the current user. When the server binaries
 * are missing, root installs them with apt; anyone else gets an error saying what to do.
 *
 * Clusters are stopped and their temp dir removed by `stop()`, on process exit, on SIGINT/SIGTERM,
 * and (should the process be killed outright) by a small detached reaper that waits for this
 * process to disappear.
 *
 * @example
 * ```js
 * import { startPgCluster } from './pg-cluster.mjs'
 * const pg = await startPgCluster({ name: 'bench' })
 * console.log(pg.url) // postgres://postgres@127.0.0.1:40123/postgres
 * await pg.stop()
 * ```
 */
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PG_MAJOR = 15
const DEFAULT_BIN_DIR = `/usr/lib/postgresql/${PG_MAJOR}/bin`
const SERVER_USER = 'postgres'

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** Clusters of this process that are still running or still have a temp dir. */
const live = new Set()

/** @param {string} message */
function log(message) {
  console.error(`[pg-cluster] ${message}`)
}

/** Environment for server commands: none of the caller's PG* variables (PGDATA, PGPORT...) leak in. */
export function serverEnv() {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG') && value !== undefined) env[key] = value
  }
  env.LC_ALL = 'C.UTF-8'
  return env
}

/** @param {string} dir */
function hasServerBinaries(dir) {
  return ['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(join(dir, bin)))
}

/** @returns {string | null} */
function lookupBinDir() {
  if (process.env.DORM_PG_BINDIR && hasServerBinaries(process.env.DORM_PG_BINDIR)) return process.env.DORM_PG_BINDIR
  if (hasServerBinaries(DEFAULT_BIN_DIR)) return DEFAULT_BIN_DIR
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    if (dir && hasServerBinaries(dir)) return dir
  } catch {
    // no pg_config on PATH: fall through to "not installed"
  }
  return null
}

/**
 * The directory holding `initdb`, `pg_ctl` and `postgres` (PostgreSQL 15 preferred): `DORM_PG_BINDIR`,
 * then `/usr/lib/postgresql/15/bin`, then `pg_config --bindir`. When none has them and this process is
 * root, installs Debian's `postgresql` package with apt first; otherwise throws saying how to fix it.
 * @returns {string}
 */
export function findPgBinDir() {
  const found = lookupBinDir()
  if (found) return found
  if (!isRoot) {
    throw new Error(
      `PostgreSQL ${PG_MAJOR} server binaries not found (looked in $DORM_PG_BINDIR, ${DEFAULT_BIN_DIR} and ` +
        '`pg_config --bindir`). Install them (Debian/Ubuntu: `sudo apt-get install -y postgresql`), set ' +
        'DORM_PG_BINDIR to the directory holding initdb and pg_ctl, or point the tests at a running server ' +
        'with DORM_TEST_PG_URL=postgres://user:password@host:port/db.',
    )
  }
  log('PostgreSQL server binaries not found; installing them: apt-get update && apt-get install -y postgresql')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env })
  execFileSync('apt-get', ['install', '-y', 'postgresql'], { stdio: ['ignore', 'inherit', 'inherit'], env })
  const installed = lookupBinDir()
  if (!installed)
    throw new Error('apt-get install -y postgresql succeeded but no initdb/pg_ctl could be found afterwards')
  return installed
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it by binding port 0).
 * @returns {Promise<number>}
 */
export function getFreePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

/** @returns {{ uid: number, gid: number } | null} the server user's ids when running as root */
function serverUserIds() {
  if (!isRoot) return null
  try {
    const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim())
    return { uid, gid }
  } catch {
    throw new Error(
      `Running as root, but there is no '${SERVER_USER}' OS user to run PostgreSQL as (initdb refuses root). ` +
        `Create it (\`useradd --system --home /var/lib/postgresql ${SERVER_USER}\`) or run as a non-root user.`,
    )
  }
}

/**
 * The command and arguments that run `bin` as the server user (root) or directly (anyone else).
 * @param {string} binDir
 * @param {string} bin
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
export function asServerUser(binDir, bin, args) {
  const path = join(binDir, bin)
  return isRoot ? ['runuser', ['-u', SERVER_USER, '--', path, ...args]] : [path, args]
}

/**
 * Runs a command to completion, resolving with its output; rejects with the output in the message.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string }} [options]
 * @returns {Promise<string>}
 */
export function run(command, args, { cwd } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolveRun(output)
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${output.trim()}`))
    })
  })
}

/**
 * The last `lines` lines of a file, or a note that it cannot be read.
 * @param {string} file
 * @param {number} [lines]
 */
function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return `(no server log at ${file})`
  }
}

/** Synchronous best-effort teardown, for exit and signal handlers where nothing async can run. */
function stopSync(cluster) {
  try {
    if (existsSync(join(cluster.dataDir, 'postmaster.pid'))) {
      const [command, args] = asServerUser(cluster.binDir, 'pg_ctl', [
        '-D',
        cluster.dataDir,
        '-m',
        'immediate',
        '-w',
        'stop',
      ])
      execFileSync(command, args, { stdio: 'ignore', env: serverEnv(), cwd: cluster.baseDir, timeout: 30_000 })
    }
  } catch {
    // the server may already be gone; the directory is removed regardless
  }
  try {
    rmSync(cluster.baseDir, { recursive: true, force: true })
  } catch {
    // nothing more can be done while exiting
  }
  cluster.reaper?.kill()
  live.delete(cluster)
}

let handlersInstalled = false

function installExitHandlers() {
  if (handlersInstalled) return
  handlersInstalled = true
  process.on('exit', () => {
    for (const cluster of [...live]) stopSync(cluster)
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      for (const cluster of [...live]) stopSync(cluster)
      process.off(signal, onSignal)
      // When nobody else handles the signal, behave as if we had not been listening: die by it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    }
    process.on(signal, onSignal)
  }
}

/**
 * A detached process that stops the cluster and removes its dir if this process dies without
 * running its exit handlers (SIGKILL, OOM). It polls for the parent once a second.
 */
function spawnReaper(cluster) {
  const [command, args] = asServerUser(cluster.binDir, 'pg_ctl', [
    '-D',
    cluster.dataDir,
    '-m',
    'immediate',
    '-w',
    'stop',
  ])
  const code = `
    const { execFileSync } = require('node:child_process')
    const { existsSync, rmSync } = require('node:fs')
    const [parent, baseDir, dataDir, command, ...args] = process.argv.slice(1)
    const alive = () => { try { process.kill(Number(parent), 0); return true } catch (e) { return e.code === 'EPERM' } }
    setInterval(() => {
      if (alive()) return
      try { if (existsSync(dataDir + '/postmaster.pid')) execFileSync(command, args, { stdio: 'ignore', cwd: '/', timeout: 30000 }) } catch {}
      try { rmSync(baseDir, { recursive: true, force: true }) } catch {}
      process.exit(0)
    }, 1000)
  `
  const child = spawn(
    process.execPath,
    ['-e', code, String(process.pid), cluster.baseDir, cluster.dataDir, command, ...args],
    { detached: true, stdio: 'ignore', env: serverEnv() },
  )
  child.unref()
  return child
}

/**
 * Creates and starts a throwaway PostgreSQL cluster.
 * @param {{ port?: number, name?: string }} [options] `port` (default: a free one), `name` (used in
 *   the temp dir name and as `cluster_name`, visible in `ps`)
 * @returns {Promise<import('./pg-cluster.d.mts').PgCluster>}
 */
export async function startPgCluster({ port, name = 'dorm' } = {}) {
  const binDir = findPgBinDir()
  const ids = serverUserIds()
  const safeName = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'dorm'
  const baseDir = mkdtempSync(join(tmpdir(), `dorm-pg-${safeName}-`))
  const dataDir = join(baseDir, 'data')
  const socketDir = join(baseDir, 'sock')
  const logFile = join(baseDir, 'postgres.log')
  mkdirSync(socketDir)
  if (ids) {
    chownSync(baseDir, ids.uid, ids.gid)
    chownSync(socketDir, ids.uid, ids.gid)
  }

  const cluster = {
    name: safeName,
    host: '127.0.0.1',
    port: port ?? 0,
    url: '',
    socketDir,
    dataDir,
    binDir,
    baseDir,
    logFile,
    /** @type {import('node:child_process').ChildProcess | undefined} */
    reaper: undefined,
  }
  live.add(cluster)
  installExitHandlers()

  const pgCtl = (/** @type {string[]} */ args) => {
    const [command, fullArgs] = asServerUser(binDir, 'pg_ctl', ['-D', dataDir, ...args])
    return run(command, fullArgs, { cwd: baseDir })
  }

  try {
    const [initCommand, initArgs] = asServerUser(binDir, 'initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-instructions',
    ])
    await run(initCommand, initArgs, { cwd: baseDir })
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        '# dorm throwaway test cluster (scripts/pg-cluster.mjs)',
        `cluster_name = '${safeName}'`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${socketDir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 200',
        'wal_level = replica',
        'max_wal_senders = 5',
        '',
      ].join('\n'),
    )
    appendFileSync(
      join(dataDir, 'pg_hba.conf'),
      '\n# streaming replicas made with pg_basebackup -R\nhost replication all 127.0.0.1/32 trust\n',
    )
    cluster.reaper = spawnReaper(cluster)

    // The port is passed on the command line (`-o -p`), so a retry after losing a race for a free
    // port needs no config rewrite; restarts reuse the port that worked.
    const attempts = port === undefined ? 3 : 1
    for (let attempt = 1; ; attempt++) {
      cluster.port = port ?? (await getFreePort())
      try {
        await pgCtl(['-w', '-t', '60', '-l', logFile, '-o', `-p ${cluster.port}`, 'start'])
        break
      } catch (error) {
        const lostRace = /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(
          tail(logFile),
        )
        if (!lostRace || attempt >= attempts) throw error
        log(`port ${cluster.port} was taken before the server bound it; retrying with another`)
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    stopSync(cluster)
    throw new Error(
      `Could not start a throwaway PostgreSQL cluster (${binDir}): ${reason}\n--- tail of ${logFile} ---\n${tail(logFile)}`,
      { cause: error },
    )
  }
  cluster.url = `postgres://postgres@127.0.0.1:${cluster.port}/postgres`

  let removed = false
  const startOptions = () => ['-w', '-t', '60', '-l', logFile, '-o', `-p ${cluster.port}`, 'start']
  const withLog = async (/** @type {string} */ what, /** @type {() => Promise<unknown>} */ action) => {
    try {
      await action()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new Error(`${what} failed: ${reason}\n--- tail of ${logFile} ---\n${tail(logFile)}`, { cause: error })
    }
  }

  /** @type {import('./pg-cluster.d.mts').PgCluster} */
  const handle = {
    url: cluster.url,
    port: cluster.port,
    host: cluster.host,
    name: safeName,
    socketDir,
    dataDir,
    binDir,
    logFile,
    async stopServer(mode = 'fast') {
      if (!['smart', 'fast', 'immediate'].includes(mode)) throw new Error(`unknown pg_ctl stop mode '${mode}'`)
      await withLog(`pg_ctl stop -m ${mode}`, () => pgCtl(['-m', mode, '-w', '-t', '60', 'stop']))
    },
    async startServer() {
      if (removed) throw new Error(`cluster '${safeName}' was stopped and removed; start a new one`)
      await withLog('pg_ctl start', () => pgCtl(startOptions()))
    },
    async restart() {
      await handle.stopServer('fast')
      await handle.startServer()
    },
    async stop() {
      if (removed) return
      removed = true
      if (existsSync(join(dataDir, 'postmaster.pid'))) {
        try {
          await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop'])
        } catch (error) {
          log(`fast stop failed, stopping immediately: ${error instanceof Error ? error.message : error}`)
        }
      }
      stopSync(cluster)
    },
  }
  return handle
}
