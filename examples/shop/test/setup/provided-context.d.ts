/** What the global setup provides to the shop's test files (`inject('pgUrl')`). */
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's PostgreSQL server (`postgres` database); empty when postgres is not tested. */
    pgUrl: string
    /** Temp dir for the run's SQLite files. */
    sqliteDir: string
  }
}
