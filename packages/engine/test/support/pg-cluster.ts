/**
 * Throwaway PostgreSQL clusters for tests, typed: a re-export of the repository's
 * `scripts/pg-cluster.mjs`.
 *
 * Tests that stop, restart or crash the server start their OWN cluster with this, so they never
 * disturb the shared one the other test files use (`inject('pgUrl')`).
 *
 * @example
 * ```ts
 * import { startPgCluster, type PgCluster } from '../support/pg-cluster.js'
 * let pg: PgCluster
 * beforeAll(async () => { pg = await startPgCluster({ name: 'outage' }) })
 * afterAll(async () => { await pg?.stop() })
 * it('recovers', async () => { await pg.stopServer('immediate'); await pg.startServer() })
 * ```
 */
export {
  asServerUser,
  findPgBinDir,
  getFreePort,
  type PgCluster,
  type PgClusterOptions,
  type PgStopMode,
  run as runServerCommand,
  serverEnv,
  startPgCluster,
} from '../../../../scripts/pg-cluster.mjs'
