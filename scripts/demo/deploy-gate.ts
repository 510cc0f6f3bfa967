/**
 * The shop's migrations through the GitHub Action, as a deploy pipeline would run them:
 * `command: check` (lint, dry-run, drift) on the pull request side, then `command: migrate` (lint
 * as a gate, dry-run, apply, drift) which sends the deploy report to the dashboard with the
 * environment's CI key.
 *
 * @example
 * ```ts
 * const check = await checkMigrations({ layout, database })
 * const deploy = await migrateAndReport({ layout, database, dashboardUrl, ciKey, environment: 'demo' })
 * ```
 */

import { type ActionRun, runAction } from './action.js'
import type { DemoLayout } from './demo-dir.js'
import type { ShopDatabase } from './shop.js'
import { StepFailure } from './steps.js'

const WORKING_DIRECTORY = 'examples/shop'

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The `::error::` / `::warning::` lines of a run, unescaped, for messages. */
function workflowMessages(run: ActionRun, level: 'error' | 'warning'): string[] {
  return run.output
    .split('\n')
    .filter((line) => line.startsWith(`::${level}`))
    .map((line) =>
      line
        .replace(/^::[a-z]+[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    )
}

function failed(run: ActionRun, command: string): StepFailure {
  const kind = run.outputs.failure || 'command-failed'
  const errors = workflowMessages(run, 'error')
  const fixes: Record<string, string> = {
    findings:
      'Fix the lint findings in examples/shop/migrations (each message says how), or suppress an accepted one ' +
      'with // noqa: DORM-M0NN on its line.',
    drift: 'Write the missing migration: cd examples/shop && npx dorm makemigrations.',
    'lock-timeout': 'Another migrate holds the lock: wait for it, then run npm start again.',
    configuration: 'The message says which setting is wrong; fix it and run npm start again.',
  }
  return new StepFailure(
    `the Action's ${command} failed (${kind}, exit ${run.code}): ${errors[errors.length - 1] ?? 'see the log'}`,
    fixes[kind] ?? 'Read the log; run the same step by hand with cd examples/shop && npx dorm migrate --dry-run.',
    { logFile: run.logFile, details: run.output.split('\n').slice(-15).join('\n') },
  )
}

/**
 * `command: check` on the shop's migrations, against the shop's database.
 *
 * @example
 * ```ts
 * const { detail } = await checkMigrations({ layout, database })
 * // 'lint: 1 finding (0 errors, 1 warning); 6 pending migrations; drift: no'
 * ```
 */
export async function checkMigrations(options: {
  layout: DemoLayout
  database: ShopDatabase
  signal?: AbortSignal
}): Promise<{ run: ActionRun; detail: string }> {
  const run = await runAction({
    layout: options.layout,
    command: 'check',
    inputs: { 'working-directory': WORKING_DIRECTORY, 'database-url': options.database.url, 'fail-on': 'error' },
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (run.code !== 0) throw failed(run, 'check')
  const { findings = '0', errors = '0', warnings = '0', pending = '0', drift = 'false' } = run.outputs
  const detail =
    `lint: ${plural(Number(findings), 'finding')} (${plural(Number(errors), 'error')}, ${plural(Number(warnings), 'warning')}); ` +
    `${plural(Number(pending), 'pending migration')}; drift: ${drift === 'true' ? 'expected until migrated' : 'none'}`
  return { run, detail }
}

/**
 * `command: migrate`: applies the pending migrations and posts the deploy report. Fails when the
 * report did not reach the dashboard (the Action itself only warns, as a deploy must not fail for it).
 *
 * @example
 * ```ts
 * const { detail } = await migrateAndReport({ layout, database, dashboardUrl, ciKey, environment: 'demo' })
 * // 'applied 6 migrations; deploy report sent to the dashboard'
 * ```
 */
export async function migrateAndReport(options: {
  layout: DemoLayout
  database: ShopDatabase
  dashboardUrl: string
  ciKey: string
  environment: string
  signal?: AbortSignal
}): Promise<{ run: ActionRun; detail: string }> {
  const run = await runAction({
    layout: options.layout,
    command: 'migrate',
    inputs: {
      'working-directory': WORKING_DIRECTORY,
      'database-url': options.database.url,
      'fail-on': 'error',
      'dashboard-url': options.dashboardUrl,
      'dashboard-token': options.ciKey,
      environment: options.environment,
    },
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (run.code !== 0) throw failed(run, 'migrate')
  if (!run.output.includes('Deploy report sent to')) {
    const warning = workflowMessages(run, 'warning').find((line) => line.includes('dashboard'))
    throw new StepFailure(
      `the migrations were applied but the deploy report did not reach the dashboard: ${warning ?? 'no confirmation in the output'}`,
      'Check that the dashboard is still running (its log) and that the ci key in the demo dir is valid ' +
        '(delete keys.json there to get new keys).',
      { logFile: run.logFile, details: run.output.split('\n').slice(-15).join('\n') },
    )
  }
  const applied = Number(run.outputs.applied ?? '0')
  return {
    run,
    detail: `${applied === 0 ? 'nothing to apply' : `applied ${plural(applied, 'migration')}`}; deploy report sent to the dashboard`,
  }
}
