/**
 * The block printed once everything runs: where the dashboard and the shop are, the login, and
 * which pages to open first. Its first line starts with `Ready in` (what the e2e test waits for).
 *
 * @example
 * ```ts
 * printReady({ print: console.log, elapsedMs: 31_000, dashboardUrl, shopUrl, password, layout })
 * ```
 */
import { relative } from 'node:path'
import type { DemoLayout } from './demo-dir.js'
import { seconds } from './steps.js'

/**
 * Prints the ready block.
 *
 * @example
 * ```ts
 * printReady({ print, elapsedMs, dashboardUrl: 'http://127.0.0.1:3000', shopUrl: 'http://127.0.0.1:8000', password, layout })
 * ```
 */
export function printReady(options: {
  print: (line: string) => void
  elapsedMs: number
  dashboardUrl: string
  shopUrl: string
  password: string
  layout: DemoLayout
}): void {
  const { print, dashboardUrl, shopUrl, layout } = options
  const local = (path: string) => {
    const near = relative(process.cwd(), path)
    return near === '' ? '.' : near.startsWith('..') ? path : near
  }
  print('')
  print(`Ready in ${seconds(options.elapsedMs)}.`)
  print('')
  print(`  Dashboard  ${dashboardUrl}`)
  print(`  Login      password ${options.password}   (kept in ${local(layout.passwordFile)})`)
  print(`  Shop       ${shopUrl}   (try ${shopUrl}/products, ${shopUrl}/reports/sales, ${shopUrl}/metrics)`)
  print('')
  print("  In the dashboard, environment 'demo':")
  print(`    fleet    ${dashboardUrl}/?env=demo            the shop's health and pool, the last deploy`)
  print(`    pool     ${dashboardUrl}/env/demo/pool        saturation during the bursts, waits per route`)
  print(`    queries  ${dashboardUrl}/env/demo/queries     templates by total time, the slow report`)
  print(`    N+1      ${dashboardUrl}/env/demo/nplusone    the naive customers report`)
  print(`    deploys  ${dashboardUrl}/env/demo/deploys     the Action's report: lint, dry-run SQL, applied`)
  print('')
  print(`  Logs in ${local(layout.logs)}/; the Action's job summaries in ${local(layout.actionDir)}/*/summary.md`)
  print('  Data appears within a telemetry interval or two. Press Ctrl-C to stop everything.')
  print('')
}
