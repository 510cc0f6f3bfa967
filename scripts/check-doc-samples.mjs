#!/usr/bin/env node
/**
 * The docs sample checker: every ```ts / ```typescript / ```tsx block of README.md, docs/**\/*.md and
 * the workspaces' READMEs is type-checked (strict, tsconfig.base.json) against the real packages by
 * their public names (`@dorm/engine`, `@dorm/engine/migrations`, ...), each block its own ES module.
 * Markers (the rule is spelled out in scripts/doc-samples/extract.mjs): `<!-- sample: continues -->`
 * appends a block to the previous one, `<!-- sample: skip — <reason> -->` leaves it out.
 *
 *   node scripts/check-doc-samples.mjs              # every covered markdown file
 *   node scripts/check-doc-samples.mjs docs/orm.md  # only these files
 *
 * Writes the samples to `.doc-samples/` (git-ignored; one file per sample, e.g. `docs__orm.md__L120.ts`),
 * prints each error as `<markdown file>:<line>: <code> <message>`, then
 * `doc samples: N checked, N skipped, N failed`. Exits 1 on any error or malformed marker.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkDocSamples } from './doc-samples/compile.mjs'
import { listSampleSources } from './doc-samples/sources.mjs'

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)))
const outDir = join(repoRoot, '.doc-samples')

/**
 * The newest source file of the engine changed after dist/ was built (a warning: the samples are
 * checked against the built types, which may lag behind the code).
 * @param {string} builtFile
 * @returns {string | undefined} the repo-relative path of a newer source file
 */
function newerEngineSource(builtFile) {
  const builtAt = statSync(builtFile).mtimeMs
  const src = join(repoRoot, 'packages', 'engine', 'src')
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue
    const path = join(entry.parentPath, entry.name)
    if (statSync(path).mtimeMs > builtAt) return relative(repoRoot, path)
  }
  return undefined
}

/** @param {string[]} args */
async function main(args) {
  const engineTypes = join(repoRoot, 'packages', 'engine', 'dist', 'index.d.ts')
  if (!existsSync(engineTypes)) {
    console.error(
      `[docs] ${relative(repoRoot, engineTypes)} is missing: the samples import @dorm/engine, whose exports point at dist/.\n` +
        '[docs] run npx turbo run build --filter=@dorm/engine first',
    )
    console.log('doc samples: 0 checked, 0 skipped, 1 failed')
    return 1
  }
  const newer = newerEngineSource(engineTypes)
  if (newer) {
    console.warn(
      `[docs] warning: ${newer} changed after packages/engine/dist was built; the samples are checked against the built types: run npx turbo run build --filter=@dorm/engine to refresh them`,
    )
  }

  const all = listSampleSources(repoRoot)
  /** @type {string[]} */
  let files = all
  if (args.length > 0) {
    files = []
    for (const arg of args) {
      const path = relative(repoRoot, resolve(arg)).replaceAll('\\', '/')
      if (!existsSync(join(repoRoot, path))) {
        console.error(`[docs] no such file: ${arg} (give markdown paths, e.g. docs/orm.md)`)
        return 1
      }
      files.push(path)
    }
  }

  const result = await checkDocSamples({ repoRoot, files, outDir })
  for (const skip of result.skips) console.log(`[docs] skipped ${skip.file}:${skip.line}: ${skip.reason}`)
  const problems = [...result.problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  for (const problem of problems) {
    const where = problem.line > 0 ? `${problem.file}:${problem.line}` : problem.file
    console.log(`${where}: ${problem.code} ${problem.message}`)
    if (problem.text?.trim()) console.log(`    ${problem.text.trim()}`)
  }
  console.log(`doc samples: ${result.checked} checked, ${result.skipped} skipped, ${result.failed} failed`)
  return result.failed === 0 ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    console.error(error)
    console.log('doc samples: 0 checked, 0 skipped, 1 failed')
    process.exitCode = 1
  },
)
