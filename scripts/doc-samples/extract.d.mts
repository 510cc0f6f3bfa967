/** Types for `scripts/doc-samples/extract.mjs`: the TypeScript samples of a markdown file. */

/** One checked sample: a block, plus the blocks appended to it with `<!-- sample: continues -->`. */
export interface Sample {
  /** Repo-relative path of the markdown file. */
  source: string
  /** 1-based line of the block's opening fence. */
  line: number
  /** `tsx` when the block (or one appended to it) is tagged tsx. */
  extension: 'ts' | 'tsx'
  /** e.g. `docs__orm.md__L120.ts` */
  fileName: string
  /** The code, one entry per line, fence indentation removed. */
  lines: string[]
  /** `sourceLines[i]` is the 1-based markdown line `lines[i]` came from. */
  sourceLines: number[]
  /** Opening-fence lines of the blocks appended to this one. */
  continuations: number[]
}

/** A block marked `<!-- sample: skip — <reason> -->`. */
export interface Skip {
  file: string
  /** 1-based line of the block's opening fence. */
  line: number
  reason: string
}

/** A malformed or misplaced marker. */
export interface MarkerError {
  file: string
  /** 1-based line of the marker. */
  line: number
  message: string
}

export interface Extraction {
  samples: Sample[]
  skips: Skip[]
  errors: MarkerError[]
}

export type ParsedMarker =
  | { kind: 'continues' }
  | { kind: 'skip'; reason: string }
  | { kind: 'malformed'; message: string }

/** The usage shown in every malformed-marker message. */
export declare const MARKER_USAGE: string

/**
 * Parses one marker line.
 * @example
 * parseMarker('<!-- sample: skip — output listing -->') // { kind: 'skip', reason: 'output listing' }
 */
export declare function parseMarker(line: string): ParsedMarker

/**
 * The file name of the sample whose opening fence is at `line` of `sourcePath`.
 * @example
 * sampleFileName('docs/orm.md', 120, 'ts') // 'docs__orm.md__L120.ts'
 */
export declare function sampleFileName(sourcePath: string, line: number, extension: 'ts' | 'tsx'): string

/**
 * Extracts the samples, skips and marker errors of one markdown file (pure, no I/O).
 * @example
 * const { samples, skips, errors } = extractSamples(readFileSync('docs/orm.md', 'utf8'), 'docs/orm.md')
 */
export declare function extractSamples(markdown: string, sourcePath: string): Extraction

/**
 * Maps a 1-based line of a sample file back to its markdown line.
 * @example
 * sourceLineOf(sample, 1) // the line right after the opening fence
 */
export declare function sourceLineOf(sample: Sample, sampleLine: number): number
