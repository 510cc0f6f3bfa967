import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lintMigrations, listMigrationFiles } from '../../../src/migrations/lint/linter.js'
import { RULES } from '../../../src/migrations/lint/rules/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '../../fixtures/lint/files')
// the linter's mechanics, with the rules this fixture was written for (the SQL-level rules have their own tests)
const registry = RULES.filter((rule) => /^DORM-M0(0[0-6]|9[89])$/.test(rule.code))

describe('lintMigrations on migration files', () => {
  it('places findings at the operation, applies noqa, reports stale ones and goes past a broken file', async () => {
    const files = listMigrationFiles([{ label: 'shop', migrationsDir: join(root, 'shop/migrations') }])
    const findings = await lintMigrations(files, { repoRoot: root, registry })
    expect(findings.map((f) => `${f.code} ${f.file}:${f.line}:${f.column} ${f.operation}`)).toMatchInlineSnapshot(`
      [
        "DORM-M001 shop/migrations/0002_mixed.ts:8:5 AddField(name='priority', model_name='order')",
        "DORM-M006 shop/migrations/0002_mixed.ts:16:9 RunSQL",
        "DORM-M099 shop/migrations/0002_mixed.ts:20:5 RunSQL",
        "DORM-M098 shop/migrations/0002_mixed.ts:20:62 RunSQL",
        "DORM-M098 shop/migrations/0002_mixed.ts:20:62 RunSQL",
        "DORM-M000 shop/migrations/0003_broken.ts:1:1 <import error>",
        "DORM-M004 shop/migrations/0004_after_broken.ts:5:16 RunCode",
      ]
    `)
  })

  it('says why a file failed to load, and which stale noqa codes suppress nothing', async () => {
    const files = listMigrationFiles([{ label: 'shop', migrationsDir: join(root, 'shop/migrations') }])
    const findings = await lintMigrations(files, { repoRoot: root, registry })
    expect(findings.find((f) => f.code === 'DORM-M000')?.message).toBe(
      'Could not import migration: Error: boom while building operations',
    )
    expect(findings.filter((f) => f.code === 'DORM-M098').map((f) => f.message)).toEqual([
      'unused suppression: `// noqa: DORM-M005` suppresses nothing — no DORM-M005 finding on this operation.',
      'unused suppression: `// noqa: DORM-M001` suppresses nothing — no DORM-M001 finding on this operation.',
    ])
    expect(findings.find((f) => f.code === 'DORM-M099')?.message).toBe(
      'RunSQL could not be parsed: syntax error at or near "SELEC".',
    )
  })

  it('--rule keeps only the named codes and does not call the other suppressions stale', async () => {
    const files = listMigrationFiles([{ label: 'shop', migrationsDir: join(root, 'shop/migrations') }])
    const findings = await lintMigrations(files, { repoRoot: root, registry, rules: ['dorm-m003', 'DORM-M098'] })
    expect(findings).toEqual([])
  })

  it('lints only the apps asked for, replaying the others', async () => {
    const files = listMigrationFiles([{ label: 'shop', migrationsDir: join(root, 'shop/migrations') }])
    expect(await lintMigrations(files, { repoRoot: root, registry, apps: ['other'] })).toEqual([])
  })

  it('refuses an unknown rule code, naming the known ones', async () => {
    await expect(lintMigrations([], { rules: ['DORM-M777'] })).rejects.toThrow(
      /Unknown lint rule DORM-M777\. Known rules: DORM-M000, /,
    )
  })
})
