/**
 * lint-migrations benchmark: 1,000 generated migration files (TypeScript, one app, a chain of
 * dependencies mixing risky and safe operations and RunSQL parsed by libpg-query), linted from
 * disk: loading every file, replaying the history, running all rules, locating each operation in
 * the source.
 *
 *   npm run bench -- lint        (needs no database)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { lintMigrations } from '../packages/engine/src/migrations/lint/linter.js'
import { RULES } from '../packages/engine/src/migrations/lint/rules/index.js'

const FILES = 1000
const engine = resolve(import.meta.dirname, '../packages/engine/src')

function source(n: number): string {
  const name = `${String(n).padStart(4, '0')}_step`
  const previous = `${String(n - 1).padStart(4, '0')}_step`
  const dependencies = n === 1 ? '[]' : `[['bench', '${previous}']]`
  const operations =
    n === 1
      ? "new CreateModel({ name: 'Item', fields: { id: new BigAutoField({ primaryKey: true }), name: new CharField({ maxLength: 100 }) } })"
      : [
          `new AddField({ modelName: 'item', name: 'f${n}', field: new IntegerField(${n % 3 === 0 ? '{ default: 0 }' : '{ null: true }'}) })`,
          n % 5 === 0
            ? `new AddIndex({ modelName: 'item', index: new Index({ fields: ['f${n}'], name: 'item_f${n}_idx' }) })`
            : '',
          n % 7 === 0
            ? `new RunSQL({ sql: 'UPDATE bench_item SET f${n} = 1 WHERE f${n} IS NULL; ALTER TABLE bench_item ALTER COLUMN f${n} SET NOT NULL', reverseSql: RunSQL.noop })`
            : '',
        ]
          .filter(Boolean)
          .join(',\n    ')
  return [
    `import { BigAutoField, CharField, Index, IntegerField } from '${engine}/index.js'`,
    `import { AddField, AddIndex, CreateModel, migration, RunSQL } from '${engine}/migrations/index.js'`,
    '',
    `export default migration({ dependencies: ${dependencies}, operations: [\n    ${operations},\n  ] })`,
    '',
  ]
    .join('\n')
    .replace(name, name)
}

const dir = mkdtempSync(join(tmpdir(), 'dorm-lint-bench-'))
const migrations = join(dir, 'bench/migrations')
mkdirSync(migrations, { recursive: true })
try {
  const files = Array.from({ length: FILES }, (_, i) => {
    const file = join(migrations, `${String(i + 1).padStart(4, '0')}_step.ts`)
    writeFileSync(file, source(i + 1))
    return { app: 'bench', file }
  })
  const start = performance.now()
  const findings = await lintMigrations(files, { repoRoot: dir })
  const elapsed = performance.now() - start
  const byCode = new Map<string, number>()
  for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1)
  console.log(`dorm lint-migrations benchmark: node ${process.version}, ${RULES.length} rules`)
  console.log(
    `${FILES} migration files linted from disk (load + replay + rules + source locations): ${(elapsed / 1000).toFixed(2)} s`,
  )
  console.log(`${findings.length} findings: ${[...byCode].map(([c, n]) => `${c} x${n}`).join(', ')}`)
  const again = performance.now()
  await lintMigrations(files, { repoRoot: dir })
  console.log(`second run in the same process (modules cached): ${((performance.now() - again) / 1000).toFixed(2)} s`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
