/** What `test/setup/global-setup.ts` hands to every test file through `inject(...)`. */
export {}

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the shared PostgreSQL server (`DORM_TEST_PG_URL` or a throwaway cluster); '' when postgres is not among DORM_TEST_BACKENDS. */
    pgUrl: string
    /** A fresh temp dir for SQLite and libsql database files, removed after the run. */
    sqliteDir: string
  }
}
