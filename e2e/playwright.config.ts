/**
 * Playwright: the dashboard's production build (`next build` + `next start`, see global-setup.ts)
 * driven in Debian's Chromium (never a downloaded browser: there is no `npx playwright install`
 * here). Results go to `reports/playwright.json` (JSON reporter) for `npm test`'s summary;
 * screenshots of the main pages to `artifacts/`.
 *
 * @example
 * ```sh
 * npm test -w @dorm/e2e     # DORM_TEST_PG_URL=postgres://... to reuse a running PostgreSQL
 * ```
 */
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  outputDir: './test-results',
  fullyParallel: false,
  // the specs share one server and one seeded store: keep the machine's two cores for Next
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    // set by the global setup once the server listens (workers load this file after it ran)
    baseURL: process.env.E2E_BASE_URL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
})
