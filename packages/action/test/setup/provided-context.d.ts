/** What `test/setup/global-setup.ts` hands to every test file through `inject(...)`. */
export {}

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the PostgreSQL server (`DORM_TEST_PG_URL` or a throwaway cluster). */
    pgUrl: string
  }
}
