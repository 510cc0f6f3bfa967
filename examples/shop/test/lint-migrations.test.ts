/**
 * The shop's migrations pass `dorm lint-migrations` for PostgreSQL, the deploy target (the
 * expand/backfill/contract sequence is what keeps DORM-M013 quiet). Linted for SQLite, the one
 * honest finding is the table rebuild SQLite needs for SET NOT NULL.
 */
import { describe, expect, inject, it } from 'vitest'
import { runDorm, sqliteEnv } from './support/shop-process.js'

describe('dorm lint-migrations on the shop', () => {
  it('finds nothing when linting for PostgreSQL', async () => {
    // lint reads the settings only: no connection is opened to this URL
    const { code, stdout } = await runDorm(['lint-migrations'], {
      DATABASE_URL: 'postgres://shop@127.0.0.1:1/shop',
      SHOP_DATA_DIR: inject('sqliteDir'),
    })
    expect(stdout.trim()).toBe('No issues found.')
    expect(code).toBe(0)
  })

  it('reports only the SQLite table rebuild of 0006 when linting for SQLite', async () => {
    const { code, stdout } = await runDorm(
      ['lint-migrations', '--format', 'json'],
      await sqliteEnv(inject('sqliteDir')),
    )
    const findings = JSON.parse(stdout) as
      | { code: string; file: string }[]
      | { findings: { code: string; file: string }[] }
    const list = Array.isArray(findings) ? findings : findings.findings
    expect(list.map((f) => [f.code, f.file])).toEqual([['DORM-M002', 'migrations/0006_order_total_required.ts']])
    expect(code).toBe(1)
  })

  it('has a migration for every model change', async () => {
    const { code, stdout } = await runDorm(['makemigrations', '--check'], await sqliteEnv(inject('sqliteDir')))
    expect(stdout).toContain('No changes detected')
    expect(code).toBe(0)
  })
})
