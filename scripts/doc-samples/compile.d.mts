/** Types for `scripts/doc-samples/compile.mjs`: type-checking the docs samples in one program. */
import type { Sample, Skip } from './extract.d.mts'

/** One error: a compiler diagnostic mapped to its markdown line, or a malformed marker. */
export interface Problem {
  /** Repo-relative markdown file (or, for an error outside any sample, the file it was found in). */
  file: string
  /** 1-based markdown line; 0 when the error belongs to no line. */
  line: number
  message: string
  /** `TS2304`-style compiler code, or `marker` for a malformed marker. */
  code: string
  /** The generated sample file holding the error. */
  sampleFile?: string
  /** The sample's code line at the error. */
  text?: string
}

export interface CheckResult {
  checked: number
  skipped: number
  /** Samples with at least one error, plus marker errors, plus errors outside any sample. */
  failed: number
  samples: Sample[]
  skips: Skip[]
  problems: Problem[]
}

/**
 * The tsconfig.json written next to the samples.
 * @example
 * samplesTsconfig('/repo/.doc-samples', '/repo', ['docs__orm.md__L12.ts']).extends // '../tsconfig.base.json'
 */
export declare function samplesTsconfig(outDir: string, repoRoot: string, files: string[]): Record<string, unknown>

/**
 * Type-checks the samples of `files` (repo-relative markdown paths) in one program.
 * @example
 * const result = await checkDocSamples({ repoRoot, files: ['docs/orm.md'], outDir: join(repoRoot, '.doc-samples') })
 */
export declare function checkDocSamples(options: {
  repoRoot: string
  files: string[]
  outDir: string
}): Promise<CheckResult>
