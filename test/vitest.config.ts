/**
 * System tests: `reliability/` (faults, load and hostile input; see docs/reliability.md) and
 * `compose/` (the docker-compose file). `npm test` runs the short scale; `npm run test:reliability`
 * sets `DORM_RELIABILITY=full` for the full figures (`support/scale.ts`). The global setup provides
 * the PostgreSQL URL and a temp dir for SQLite/libsql files (`support/services.ts`). Files run one at
 * a time: several of them stop and restart servers or saturate the 2 cores on purpose.
 */
import { defineConfig } from 'vitest/config'
import { SecretsScanLast } from './setup/secrets-scan-last.js'

export default defineConfig({
  test: {
    include: ['reliability/**/*.test.ts', 'compose/**/*.test.ts', 'docs/**/*.test.ts'],
    globalSetup: ['./setup/global-setup.ts'],
    pool: 'forks',
    isolate: true,
    fileParallelism: false,
    sequence: { sequencer: SecretsScanLast },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    reporters: ['default', 'json'],
    outputFile: { json: './reports/vitest.json' },
  },
})
