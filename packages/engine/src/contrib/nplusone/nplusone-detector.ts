/**
 * `NPlusOneDetector`: counts the statements of a block by template (see `nplusoneTemplate`) and
 * reports each template that ran more than `threshold` times, once, with the model and relation
 * when the statements were lazy relation loads, and the `selectRelated` / `prefetchRelated` fix.
 * DDL and transaction statements are never counted; `ignore` drops more (SQL containing a string,
 * case-insensitively, or matching a RegExp; by default the migrations table).
 *
 * `run(fn)` throws `NPlusOneError` after fn when something was found and `raiseOnDetect` is on
 * (never while fn's own error is propagating); `detect(fn)` never throws for findings. Each run
 * starts from zero; use one detector per block (concurrent runs of one detector share counts).
 *
 * @example
 * ```ts
 * import { NPlusOneDetector } from '@dorm/engine/contrib/nplusone'
 *
 * await new NPlusOneDetector({ threshold: 5 }).run(async () => {
 *   for (const book of await Book.objects.all()) await book.related('author') // throws NPlusOneError
 * })
 * ```
 */
import { currentRelationAccess, type RelationAccess } from '../../db/relation-access.js'
import { ScopedQueryObserver } from '../../db/scoped-query-observer.js'
import { DormError, NPlusOneError } from '../../errors.js'
import { formatFindings, type NPlusOneFinding, suggestFix } from './nplusone-finding.js'
import { isSkippedStatement, nplusoneTemplate } from './nplusone-template.js'

/** SQL the detector ignores unless told otherwise: dorm's migration bookkeeping. */
export const DEFAULT_NPLUSONE_IGNORE: readonly (string | RegExp)[] = Object.freeze(['dorm_migrations'])

/** Options of {@link NPlusOneDetector}. */
export interface NPlusOneDetectorOptions {
  /** A template running more than this many times is a finding (default 5, at least 1). */
  threshold?: number
  /** Throw NPlusOneError at the end of `run` when something was found (default true). */
  raiseOnDetect?: boolean
  /** Statements to skip: substrings (case-insensitive) or RegExps tested on the SQL. */
  ignore?: readonly (string | RegExp)[]
}

interface TemplateCount {
  count: number
  relation: RelationAccess | null
  found: boolean
}

const READ = /^\s*(?:\(\s*)*(?:SELECT|WITH)\b/i

const detectors = new ScopedQueryObserver<NPlusOneDetector>({
  start(scopes, query) {
    for (const detector of scopes) detector.observe(query.sql)
  },
})

/** Finds repeated query templates in a block. See the module doc. */
export class NPlusOneDetector {
  readonly threshold: number
  readonly raiseOnDetect: boolean
  readonly #ignore: readonly (string | RegExp)[]
  #counts = new Map<string, TemplateCount>()
  #order: string[] = []
  #running = false

  constructor(options: NPlusOneDetectorOptions = {}) {
    const threshold = options.threshold ?? 5
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new DormError(
        `NPlusOneDetector: threshold must be an integer >= 1, got ${JSON.stringify(threshold)}. ` +
          'It is how many runs of one query are still fine; pass e.g. { threshold: 5 }.',
        { code: 'INVALID_ARGUMENT' },
      )
    }
    this.threshold = threshold
    this.raiseOnDetect = options.raiseOnDetect ?? true
    this.#ignore = (options.ignore ?? DEFAULT_NPLUSONE_IGNORE).map((p) => (typeof p === 'string' ? p.toLowerCase() : p))
  }

  /** The templates over the threshold so far, in the order they crossed it. */
  get findings(): NPlusOneFinding[] {
    return this.#order.map((template) => {
      const { count, relation } = this.#counts.get(template) as TemplateCount
      return { template, count, relation, fix: relation === null ? null : suggestFix(relation) }
    })
  }

  /**
   * Runs `fn` and resolves to its result; throws NPlusOneError afterwards when something was found
   * and raiseOnDetect is on.
   *
   * @example
   * ```ts
   * await new NPlusOneDetector().run(() => renderBookList())
   * ```
   */
  async run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    const { result } = await this.#collect(fn)
    if (this.raiseOnDetect && this.#order.length > 0) throw new NPlusOneError(this.report())
    return result
  }

  /**
   * Runs `fn` and resolves to its result and the findings, never throwing for them.
   *
   * @example
   * ```ts
   * const { findings } = await new NPlusOneDetector({ threshold: 3 }).detect(() => renderBookList())
   * ```
   */
  detect<T>(fn: () => T | PromiseLike<T>): Promise<{ result: T; findings: NPlusOneFinding[] }> {
    return this.#collect(fn)
  }

  /**
   * The findings as text (the NPlusOneError message), or '' when there are none.
   *
   * @example
   * ```ts
   * if (detector.findings.length > 0) console.warn(detector.report())
   * ```
   */
  report(): string {
    return formatFindings(this.findings, this.threshold)
  }

  /** Counts one statement (called by the query observer for the detectors active around it). */
  observe(sql: string): void {
    if (!this.#running || isSkippedStatement(sql) || this.#ignored(sql)) return
    const template = nplusoneTemplate(sql)
    let entry = this.#counts.get(template)
    if (entry === undefined) {
      entry = { count: 0, relation: null, found: false }
      this.#counts.set(template, entry)
    }
    entry.count++
    // only reads name a relation: a create() through a reverse manager is not a lazy load
    if (entry.relation === null && READ.test(sql)) entry.relation = currentRelationAccess() ?? null
    if (!entry.found && entry.count > this.threshold) {
      entry.found = true
      this.#order.push(template)
    }
  }

  #ignored(sql: string): boolean {
    if (this.#ignore.length === 0) return false
    const lower = sql.toLowerCase()
    return this.#ignore.some((p) => (typeof p === 'string' ? lower.includes(p) : p.test(sql)))
  }

  async #collect<T>(fn: () => T | PromiseLike<T>): Promise<{ result: T; findings: NPlusOneFinding[] }> {
    if (this.#running) {
      throw new DormError('This NPlusOneDetector is already running: use one detector per block.', {
        code: 'INVALID_ARGUMENT',
      })
    }
    this.#counts = new Map()
    this.#order = []
    this.#running = true
    try {
      const result = await detectors.run(this, fn)
      return { result, findings: this.findings }
    } finally {
      this.#running = false
    }
  }
}

/**
 * Runs `fn` under a raising detector: resolves to fn's result, or throws NPlusOneError.
 *
 * @example
 * ```ts
 * await assertNoNPlusOne(() => renderBookList(), { threshold: 3 })
 * ```
 */
export function assertNoNPlusOne<T>(
  fn: () => T | PromiseLike<T>,
  options: Omit<NPlusOneDetectorOptions, 'raiseOnDetect'> = {},
): Promise<T> {
  return new NPlusOneDetector({ ...options, raiseOnDetect: true }).run(fn)
}
