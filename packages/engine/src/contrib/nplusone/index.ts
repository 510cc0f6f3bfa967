/**
 * `@dorm/engine/contrib/nplusone`: finds the same query repeated in a block (the N+1 pattern),
 * names the lazy relation load behind it and suggests `selectRelated` / `prefetchRelated`.
 *
 * @example
 * ```ts
 * import { NPlusOneDetector } from '@dorm/engine/contrib/nplusone'
 * await new NPlusOneDetector({ threshold: 5 }).run(() => renderBookList())
 * ```
 */
export {
  assertNoNPlusOne,
  DEFAULT_NPLUSONE_IGNORE,
  NPlusOneDetector,
  type NPlusOneDetectorOptions,
} from './nplusone-detector.js'
export { formatFinding, formatFindings, type NPlusOneFinding, suggestFix } from './nplusone-finding.js'
export { isSkippedStatement, nplusoneTemplate } from './nplusone-template.js'
