/**
 * Dashboard tests: units beside the source (`lib/**\/*.test.ts`) and API tests under `test/`,
 * which call the route handlers with `new Request(...)` against a real store on SQLite and on
 * PostgreSQL. The global setup provides the PostgreSQL URL (`DORM_TEST_PG_URL`, or a throwaway
 * cluster) and a temp dir for SQLite files. `npm test` at the root reads ./reports/vitest.json.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'app/**/*.test.ts', 'ui/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    globalSetup: ['./test/setup/global-setup.ts'],
    pool: 'forks',
    isolate: true,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    reporters: ['default', 'json'],
    outputFile: { json: './reports/vitest.json' },
  },
})
