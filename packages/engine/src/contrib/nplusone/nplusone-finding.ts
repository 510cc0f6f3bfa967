/**
 * What the N+1 detector reports: a template that ran more often than the threshold, the lazy
 * relation load it came from when dorm knows it (`Book.author`), and the fix:
 * `selectRelated('author')` for a ForeignKey / OneToOneField declared on the model (one JOIN), or
 * `prefetchRelated('books')` for reverse, reverse one-to-one and many-to-many relations (one query
 * per relation).
 *
 * @example
 * ```ts
 * formatFindings([finding], 5)
 * // N+1 detected: same query ran 6 times (threshold 5). Template:
 * //   SELECT ... FROM "rel_author" WHERE "rel_author"."id" = $? LIMIT ?
 * //   Lazy load of Book.author (rel.Book): use selectRelated('author') on the query that loads the Book rows.
 * ```
 */
import type { RelationAccess } from '../../db/relation-access.js'

/** One repeated template. */
export interface NPlusOneFinding {
  /** The normalised SQL (see `nplusoneTemplate`). */
  readonly template: string
  /** How many times it ran in the block. */
  readonly count: number
  /** The lazy relation load it came from, when the statements were `related()` / manager reads. */
  readonly relation: RelationAccess | null
  /** `selectRelated('author')` / `prefetchRelated('books')`, when the relation is known. */
  readonly fix: string | null
}

/**
 * The loader call that removes the repeated query of a lazy relation load.
 *
 * @example
 * ```ts
 * suggestFix({ model: 'rel.Book', relation: 'author', kind: 'forward' }) // "selectRelated('author')"
 * suggestFix({ model: 'rel.Author', relation: 'books', kind: 'reverse' }) // "prefetchRelated('books')"
 * ```
 */
export function suggestFix(relation: RelationAccess): string {
  return relation.kind === 'forward'
    ? `selectRelated('${relation.relation}')`
    : `prefetchRelated('${relation.relation}')`
}

function modelName(label: string): string {
  return label.slice(label.lastIndexOf('.') + 1)
}

/**
 * One finding as text: the original's first two lines, then the relation and the fix when known.
 *
 * @example
 * ```ts
 * formatFinding(finding, 5).split('\n')[0] // 'N+1 detected: same query ran 6 times (threshold 5). Template:'
 * ```
 */
export function formatFinding(finding: NPlusOneFinding, threshold: number): string {
  let text = `N+1 detected: same query ran ${finding.count} times (threshold ${threshold}). Template:\n  ${finding.template}`
  if (finding.relation !== null) {
    const { model, relation } = finding.relation
    const name = modelName(model)
    text +=
      `\n  Lazy load of ${name}.${relation} (${model}): use ${suggestFix(finding.relation)} ` +
      `on the query that loads the ${name} rows.`
  }
  return text
}

/**
 * Every finding as text, separated by a blank line.
 *
 * @example
 * ```ts
 * throw new NPlusOneError(formatFindings(detector.findings, 5))
 * ```
 */
export function formatFindings(findings: readonly NPlusOneFinding[], threshold: number): string {
  return findings.map((f) => formatFinding(f, threshold)).join('\n\n')
}
