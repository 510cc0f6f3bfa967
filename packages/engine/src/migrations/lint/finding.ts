/**
 * One lint finding: what a rule said about one operation (or one file), where it sits in the
 * migration's source, and how to fix it. Every reporter renders these.
 */
import type { Severity } from './lint-rule.js'

/** The plain-object form of a finding, as `--format json` prints it. */
export interface FindingJson {
  readonly code: string
  readonly rule: string
  readonly severity: Severity
  readonly file: string
  readonly line: number
  readonly column: number
  readonly operation: string
  readonly message: string
  readonly help: string
  readonly docs: string
}

/**
 * A finding of `dorm lint-migrations`.
 *
 * @example
 * ```ts
 * const finding = new Finding({
 *   code: 'DORM-M003', rule: 'add-index-without-concurrently', severity: 'warning',
 *   file: 'shop/migrations/0002_index.ts', line: 7, column: 5, operation: "AddIndex(model_name='order')",
 *   message: 'AddIndex without concurrently=True ...', help: 'Pass concurrently: true ...', docs: 'docs/rules/DORM-M003.md',
 * })
 * finding.toJSON().line // 7
 * ```
 */
export class Finding implements FindingJson {
  /** `DORM-M0NN`. */
  readonly code: string
  /** The rule's kebab-case name. */
  readonly rule: string
  readonly severity: Severity
  /** Repo-relative path with forward slashes (so output is the same on every OS). */
  readonly file: string
  /** 1-based line of the operation in the migration's source, or of the statement for a RunSQL statement's finding (1 when unknown). */
  readonly line: number
  /** 1-based column of the operation, or of the statement in its string literal for a RunSQL statement's finding (1 when unknown). */
  readonly column: number
  /** The operation's repr (`AddField(name='score', model_name='author')`), `<import error>` or `<file>`. */
  readonly operation: string
  readonly message: string
  readonly help: string
  /** Link to the rule's docs page. */
  readonly docs: string

  constructor(fields: FindingJson) {
    this.code = fields.code
    this.rule = fields.rule
    this.severity = fields.severity
    this.file = fields.file
    this.line = fields.line
    this.column = fields.column
    this.operation = fields.operation
    this.message = fields.message
    this.help = fields.help
    this.docs = fields.docs
  }

  /** The fields in a fixed order, for JSON output. */
  toJSON(): FindingJson {
    return {
      code: this.code,
      rule: this.rule,
      severity: this.severity,
      file: this.file,
      line: this.line,
      column: this.column,
      operation: this.operation,
      message: this.message,
      help: this.help,
      docs: this.docs,
    }
  }
}

/**
 * Orders findings by file, then line, then column, then code: the order every reporter prints.
 *
 * @example
 * ```ts
 * findings.sort(compareFindings)
 * ```
 */
export function compareFindings(a: FindingJson, b: FindingJson): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
}
