/**
 * Writes the samples of a set of markdown files to a folder (one `.ts`/`.tsx` module each, plus a
 * tsconfig.json extending the repo's tsconfig.base.json), type-checks them all in ONE TypeScript
 * program, and maps every error back to its markdown file and line.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { extractSamples, sourceLineOf } from './extract.mjs'

/**
 * The tsconfig.json of the samples (`npx tsc -p .doc-samples` reproduces the check). Compiler options
 * on top of tsconfig.base.json, on top of tsconfig.base.json: each block is an ES module
 * (`moduleDetection: force`, so top-level await works and names never clash between samples).
 * @param {string} outDir
 * @param {string} repoRoot
 * @param {string[]} files the sample file names, relative to `outDir`
 * @example
 * samplesTsconfig('/repo/.doc-samples', '/repo', ['docs__orm.md__L12.ts']).extends // '../tsconfig.base.json'
 */
export function samplesTsconfig(outDir, repoRoot, files) {
  const fromOut = (/** @type {string} */ path) => {
    const rel = relative(outDir, join(repoRoot, path)).replaceAll('\\', '/')
    return rel.startsWith('.') ? rel : `./${rel}`
  }
  return {
    extends: fromOut('tsconfig.base.json'),
    compilerOptions: {
      noEmit: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      moduleDetection: 'force',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      jsx: 'react-jsx',
      declaration: false,
      sourceMap: false,
      // Next.js has no exports map: `next/server`, `next/link`... resolve as in a Next app (bundler)
      paths: { 'next/*': [fromOut('node_modules/next/*.d.ts')] },
    },
    files,
  }
}

/**
 * Type-checks the samples of `files` (repo-relative markdown paths).
 * @param {{ repoRoot: string, files: string[], outDir: string }} options
 * @returns {Promise<import('./compile.d.mts').CheckResult>}
 * @example
 * const result = await checkDocSamples({ repoRoot, files: ['docs/orm.md'], outDir: join(repoRoot, '.doc-samples') })
 * for (const problem of result.problems) console.log(`${problem.file}:${problem.line}: ${problem.message}`)
 */
export async function checkDocSamples({ repoRoot, files, outDir }) {
  /** @type {import('./extract.d.mts').Sample[]} */
  const samples = []
  /** @type {import('./extract.d.mts').Skip[]} */
  const skips = []
  /** @type {import('./compile.d.mts').Problem[]} */
  const problems = []
  for (const file of files) {
    const extraction = extractSamples(readFileSync(join(repoRoot, file), 'utf8'), file)
    samples.push(...extraction.samples)
    skips.push(...extraction.skips)
    for (const error of extraction.errors) problems.push({ ...error, code: 'marker' })
  }

  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  writeFileSync(
    join(outDir, 'tsconfig.json'),
    `${JSON.stringify(
      samplesTsconfig(
        outDir,
        repoRoot,
        samples.map((s) => s.fileName),
      ),
      null,
      2,
    )}\n`,
  )
  /** @type {Map<string, import('./extract.d.mts').Sample>} */
  const byFileName = new Map()
  for (const sample of samples) {
    writeFileSync(join(outDir, sample.fileName), `${sample.lines.join('\n')}\n`)
    byFileName.set(sample.fileName, sample)
  }

  /** @type {Set<import('./extract.d.mts').Sample>} */
  const failedSamples = new Set()
  let unplaced = 0
  if (samples.length > 0) {
    const ts = (await import('typescript')).default
    const configPath = join(outDir, 'tsconfig.json')
    const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile)
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'))
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, outDir, undefined, configPath)
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options })
    const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)]
    for (const diagnostic of diagnostics) {
      if (diagnostic.category !== ts.DiagnosticCategory.Error) continue
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      const code = `TS${diagnostic.code}`
      const sample = diagnostic.file ? byFileName.get(basename(diagnostic.file.fileName)) : undefined
      if (!diagnostic.file || !sample || diagnostic.start === undefined) {
        unplaced += 1
        const where = diagnostic.file ? relative(repoRoot, diagnostic.file.fileName) : '(compiler options)'
        problems.push({ file: where, line: 0, message, code })
        continue
      }
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
      failedSamples.add(sample)
      problems.push({
        file: sample.source,
        line: sourceLineOf(sample, line + 1),
        message,
        code,
        sampleFile: sample.fileName,
        text: sample.lines[line] ?? '',
      })
    }
  }
  const markerErrors = problems.filter((problem) => problem.code === 'marker').length
  return {
    checked: samples.length,
    skipped: skips.length,
    failed: failedSamples.size + markerErrors + unplaced,
    samples,
    skips,
    problems,
  }
}
