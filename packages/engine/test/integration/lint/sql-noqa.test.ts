/**
 * `-- noqa: DORM-M0NN` inside a RunSQL's SQL: it covers the statement on its line or the next one,
 * nothing else, and a stale one is reported (DORM-M098) as an SQL comment.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lintMigrations, listMigrationFiles } from '../../../src/migrations/lint/linter.js'
import { RULES } from '../../../src/migrations/lint/rules/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '../../fixtures/lint/files')
const registry = RULES.filter((rule) => ['DORM-M006', 'DORM-M023', 'DORM-M098', 'DORM-M099'].includes(rule.code))

describe('-- noqa inside RunSQL', () => {
  it('suppresses the statement on its line or the next one, and reports a stale one', async () => {
    const files = listMigrationFiles([{ label: 'sqlnoqa', migrationsDir: join(root, 'sqlnoqa/migrations') }])
    const findings = await lintMigrations(files, { repoRoot: root, registry })
    expect(findings.map((f) => `${f.code} ${f.file}:${f.line}:${f.column}`)).toEqual([
      // SET statement_timeout = 0: its neighbours' comments name other lines
      'DORM-M023 sqlnoqa/migrations/0002_statements.ts:11:10',
      // the UPDATE destroys nothing: its DORM-M006 suppression is stale, reported at the comment
      'DORM-M098 sqlnoqa/migrations/0002_statements.ts:12:45',
      // DROP TABLE sits two lines below the comment that covers TRUNCATE
      'DORM-M006 sqlnoqa/migrations/0002_statements.ts:21:9',
    ])
    expect(findings[2]?.message).toContain('`DROP TABLE sqlnoqa_legacy` (DROP TABLE)')
    expect(findings[1]?.message).toBe(
      'unused suppression: `-- noqa: DORM-M006` suppresses nothing — no DORM-M006 finding on this statement.',
    )
  })
})
