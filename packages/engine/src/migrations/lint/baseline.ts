/**
 * Lint baselines: a JSON file of accepted findings (`--write-baseline`), so that `--baseline`
 * reports, and fails on, only the findings that are new since it was written. A finding is
 * matched by the SARIF fingerprint (code, file and operation), which survives line moves.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { MigrationError } from '../../errors.js'
import type { FindingJson } from './finding.js'
import { findingFingerprint } from './reporters/sarif.js'

/** One accepted finding: its fingerprint, plus code, file and operation for human readers. */
export interface BaselineEntry {
  readonly fingerprint: string
  readonly code: string
  readonly file: string
  readonly operation: string
}

/** The content of a baseline file. */
export interface Baseline {
  readonly version: 1
  readonly findings: readonly BaselineEntry[]
}

/**
 * The baseline that accepts `findings`, entries sorted by file, code and fingerprint, duplicates dropped.
 *
 * @example
 * ```ts
 * createBaseline(findings).findings[0]?.fingerprint // 'a3f1…' (32 hex digits)
 * ```
 */
export function createBaseline(findings: readonly FindingJson[]): Baseline {
  const byFingerprint = new Map<string, BaselineEntry>()
  for (const f of findings) {
    const fingerprint = findingFingerprint(f)
    byFingerprint.set(fingerprint, { fingerprint, code: f.code, file: f.file, operation: f.operation })
  }
  const entries = [...byFingerprint.values()].sort(
    (a, b) => compare(a.file, b.file) || compare(a.code, b.code) || compare(a.fingerprint, b.fingerprint),
  )
  return { version: 1, findings: entries }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Serializes a baseline as the file `--write-baseline` writes (2-space JSON, trailing newline).
 *
 * @example
 * ```ts
 * writeFileSync('lint-baseline.json', formatBaseline(createBaseline(findings)))
 * ```
 */
export function formatBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`
}

/**
 * Parses the text of a baseline file; a MigrationError names `source` when it is not one.
 *
 * @example
 * ```ts
 * parseBaseline('{"version":1,"findings":[]}').findings // []
 * ```
 */
export function parseBaseline(text: string, source = 'baseline'): Baseline {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new MigrationError(`${source} is not valid JSON: ${(err as Error).message}`)
  }
  const raw = (data as { findings?: unknown } | null)?.findings
  if (
    typeof data !== 'object' ||
    data === null ||
    (data as { version?: unknown }).version !== 1 ||
    !Array.isArray(raw)
  ) {
    throw new MigrationError(`${source} is not a lint baseline (expected {"version": 1, "findings": [...]})`)
  }
  const findings: BaselineEntry[] = []
  for (const entry of raw as unknown[]) {
    const e = entry as Partial<Record<keyof BaselineEntry, unknown>> | null
    if (typeof e?.fingerprint !== 'string') {
      throw new MigrationError(`${source}: every entry needs a string "fingerprint"`)
    }
    findings.push({
      fingerprint: e.fingerprint,
      code: typeof e.code === 'string' ? e.code : '',
      file: typeof e.file === 'string' ? e.file : '',
      operation: typeof e.operation === 'string' ? e.operation : '',
    })
  }
  return { version: 1, findings }
}

/**
 * Reads a baseline file; a MigrationError when it is missing or malformed.
 *
 * @example
 * ```ts
 * const baseline = readBaseline('lint-baseline.json')
 * ```
 */
export function readBaseline(path: string): Baseline {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new MigrationError(`Cannot read baseline ${path}: ${(err as Error).message}`)
  }
  return parseBaseline(text, `Baseline ${path}`)
}

/**
 * Writes the baseline that accepts `findings` to `path`.
 *
 * @example
 * ```ts
 * writeBaseline('lint-baseline.json', findings)
 * ```
 */
export function writeBaseline(path: string, findings: readonly FindingJson[]): Baseline {
  const baseline = createBaseline(findings)
  writeFileSync(path, formatBaseline(baseline))
  return baseline
}

/**
 * The findings the baseline does not accept: the new ones, in their original order.
 *
 * @example
 * ```ts
 * const fresh = filterBaseline(findings, readBaseline('lint-baseline.json'))
 * ```
 */
export function filterBaseline<T extends FindingJson>(findings: readonly T[], baseline: Baseline): T[] {
  const accepted = new Set(baseline.findings.map((e) => e.fingerprint))
  return findings.filter((f) => !accepted.has(findingFingerprint(f)))
}
