/**
 * The docs sample extractor (scripts/doc-samples/extract.mjs): which blocks are samples, the
 * `continues` and `skip` markers, the mapping of sample lines back to markdown lines, and the
 * malformed markers that fail the check. Then one real compile through the checker's program, to see
 * an error land on the right markdown line.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkDocSamples } from '../../scripts/doc-samples/compile.mjs'
import { extractSamples, parseMarker, sampleFileName, sourceLineOf } from '../../scripts/doc-samples/extract.mjs'
import { listSampleSources } from '../../scripts/doc-samples/sources.mjs'

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** Joins lines, so each markdown line number in a test is easy to count. */
const md = (...lines: string[]) => lines.join('\n')

describe('extractSamples', () => {
  it('takes ts, typescript and tsx blocks, one sample each, and leaves the other languages alone', () => {
    const { samples, skips, errors } = extractSamples(
      md(
        '# Title', // 1
        '```ts', // 2
        'const a = 1', // 3
        '```', // 4
        '```sh', // 5
        'npm test', // 6
        '```', // 7
        '```typescript', // 8
        'const b = 2', // 9
        '```', // 10
        '```tsx', // 11
        'export const c = <p />', // 12
        '```', // 13
        '```json', // 14
        '{}', // 15
        '```', // 16
      ),
      'docs/x.md',
    )
    expect(errors).toEqual([])
    expect(skips).toEqual([])
    expect(samples.map((s) => [s.fileName, s.lines, s.sourceLines])).toEqual([
      ['docs__x.md__L2.ts', ['const a = 1'], [3]],
      ['docs__x.md__L8.ts', ['const b = 2'], [9]],
      ['docs__x.md__L11.tsx', ['export const c = <p />'], [12]],
    ])
  })

  it('appends a continues block to the previous checked block, keeping each line mapped to its own markdown line', () => {
    const { samples, errors } = extractSamples(
      md(
        '```ts', // 1
        "import { x } from 'y'", // 2
        '```', // 3
        'Then:', // 4
        '', // 5
        '<!-- sample: continues -->', // 6
        '```ts', // 7
        'x()', // 8
        'x()', // 9
        '```', // 10
      ),
      'README.md',
    )
    expect(errors).toEqual([])
    expect(samples).toHaveLength(1)
    const [sample] = samples
    expect(sample?.lines).toEqual(["import { x } from 'y'", 'x()', 'x()'])
    expect(sample?.continuations).toEqual([7])
    if (!sample) throw new Error('no sample')
    expect(sourceLineOf(sample, 1)).toBe(2)
    expect(sourceLineOf(sample, 2)).toBe(8)
    expect(sourceLineOf(sample, 3)).toBe(9)
  })

  it('lists a skipped block with its reason and appends a later continues block past it', () => {
    const { samples, skips, errors } = extractSamples(
      md(
        '```ts', // 1
        'const a = 1', // 2
        '```', // 3
        '<!-- sample: skip — the output of a query, shown as TypeScript -->', // 4
        '```ts', // 5
        '{ id: 1 }', // 6
        '```', // 7
        '<!-- sample: continues -->', // 8
        '```ts', // 9
        'a + 1', // 10
        '```', // 11
      ),
      'docs/y.md',
    )
    expect(errors).toEqual([])
    expect(skips).toEqual([{ file: 'docs/y.md', line: 5, reason: 'the output of a query, shown as TypeScript' }])
    expect(samples.map((s) => s.sourceLines)).toEqual([[2, 10]])
  })

  it('strips the indentation of a fence nested in a list item and ignores fences inside other blocks', () => {
    const { samples } = extractSamples(
      md(
        '1. Step:', // 1
        '   ```ts', // 2
        '   if (true) {', // 3
        '     void 0', // 4
        '   }', // 5
        '   ```', // 6
        '````md', // 7
        '```ts', // 8
        'not a sample', // 9
        '```', // 10
        '````', // 11
      ),
      'docs/z.md',
    )
    expect(samples.map((s) => s.lines)).toEqual([['if (true) {', '  void 0', '}']])
  })

  it('reports malformed and misplaced markers with their line', () => {
    const { samples, errors } = extractSamples(
      md(
        '<!-- sample: continues -->', // 1: nothing checked before it
        '```ts', // 2
        'const a = 1', // 3
        '```', // 4
        '<!-- sample: skip -->', // 5: no reason
        '```ts', // 6
        'const b = 2', // 7
        '```', // 8
        '<!-- sample: ignore -->', // 9: unknown directive
        '```ts', // 10
        'const c = 3', // 11
        '```', // 12
        '<!-- sample: skip — shell -->', // 13: not before a ts block
        '```sh', // 14
        'ls', // 15
        '```', // 16
        '<!-- sample: continues -->', // 17: followed by prose
        'Some text.', // 18
      ),
      'docs/bad.md',
    )
    expect(errors.map((e) => e.line)).toEqual([1, 5, 9, 13, 17])
    expect(errors[0]?.message).toMatch(/no checked ts block comes before it/)
    expect(errors[1]?.message).toMatch(/needs a reason/)
    expect(errors[2]?.message).toMatch(/unknown sample marker .*sample: ignore/)
    expect(errors[3]?.message).toMatch(/not followed by a ts\/typescript\/tsx block \(found a `sh` block\)/)
    expect(errors[4]?.message).toMatch(/found text/)
    // a block under a malformed marker is neither checked nor silently skipped: the error fails the run
    expect(samples.map((s) => s.line)).toEqual([])
  })
})

describe('parseMarker and sampleFileName', () => {
  it('accepts the documented forms only', () => {
    expect(parseMarker('<!-- sample: continues -->')).toEqual({ kind: 'continues' })
    expect(parseMarker('<!-- sample: skip — needs a live bucket -->')).toEqual({
      kind: 'skip',
      reason: 'needs a live bucket',
    })
    expect(parseMarker('<!-- sample: continue -->').kind).toBe('malformed')
    expect(sampleFileName('packages/engine/README.md', 7, 'tsx')).toBe('packages__engine__README.md__L7.tsx')
  })
})

describe('listSampleSources', () => {
  it("covers the README, docs/ (nested pages too) and the workspaces' READMEs, and nothing else", () => {
    const sources = listSampleSources(repoRoot)
    expect(sources).toEqual(expect.arrayContaining(['README.md', 'docs/orm.md', 'docs/rules/DORM-M001.md']))
    expect(sources).toContain('apps/dashboard/README.md')
    expect(
      sources.every((path) =>
        /^(README\.md|docs\/.+\.md|(packages|apps|examples)\/[^/]+\/README\.md|e2e\/README\.md)$/.test(path),
      ),
    ).toBe(true)
  })
})

describe('checkDocSamples', () => {
  it('compiles the samples (ts and tsx) in one program and maps each error to its markdown line', async () => {
    const outDir = join(repoRoot, `.doc-samples-test-${process.pid}`)
    const docDir = join(outDir, 'src')
    mkdirSync(docDir, { recursive: true })
    const relativeDoc = `.doc-samples-test-${process.pid}/src/page.md`
    writeFileSync(
      join(repoRoot, relativeDoc),
      md(
        '```ts', // 1
        "import { Q } from '@dorm/engine'", // 2
        'const answer: number = 42', // 3
        '```', // 4
        '<!-- sample: continues -->', // 5
        '```ts', // 6
        "const wrong: string = answer + ''", // 7
        'const broken: number = wrong', // 8
        'void Q', // 9
        '```', // 10
        '```ts', // 11
        'const answer = await Promise.resolve(1) // its own module: no clash, top-level await', // 12
        'void answer', // 13
        '```', // 14
        '```tsx', // 15
        "import { NextResponse } from 'next/server'", // 16
        "import { useState } from 'react'", // 17
        'function Counter({ start }: { start: number }) {', // 18
        '  const [count] = useState(start)', // 19
        '  return <p>{count}</p>', // 20
        '}', // 21
        'export const GET = () => NextResponse.json({ ok: true })', // 22
        'export const page = <Counter start="1" />', // 23
        '```', // 24
      ),
    )
    try {
      const result = await checkDocSamples({ repoRoot, files: [relativeDoc], outDir: join(outDir, 'out') })
      expect(result.checked).toBe(3)
      expect(result.failed).toBe(2)
      const found = result.problems.map((p) => [p.file, p.line, p.code, p.sampleFile])
      expect(found).toEqual([
        [relativeDoc, 8, 'TS2322', `${relativeDoc.replaceAll('/', '__')}__L1.ts`],
        [relativeDoc, 23, 'TS2322', `${relativeDoc.replaceAll('/', '__')}__L15.tsx`],
      ])
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  })
})
