import { Expression } from './expressions.js'

/** The SQL aggregate functions dorm knows. */
export type AggregateFunction = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX'

/**
 * An aggregate over a field (or `*` for Count), for `aggregate()` and `annotate()`.
 *
 * @example
 * ```ts
 * const { total, n } = await Book.objects.aggregate({ total: Sum('pages'), n: Count('id') })
 * ```
 */
export class Aggregate extends Expression {
  constructor(
    readonly fn: AggregateFunction,
    readonly path: string,
    readonly distinct = false,
  ) {
    super()
  }
}

/** COUNT(field), or COUNT(*) with `'*'`. `{ distinct: true }` counts distinct values. */
export function Count(path = '*', options: { distinct?: boolean } = {}): Aggregate {
  return new Aggregate('COUNT', path, options.distinct)
}
/** SUM(field); null when no rows. */
export function Sum(path: string): Aggregate {
  return new Aggregate('SUM', path)
}
/** AVG(field); null when no rows. */
export function Avg(path: string): Aggregate {
  return new Aggregate('AVG', path)
}
/** MIN(field). */
export function Min(path: string): Aggregate {
  return new Aggregate('MIN', path)
}
/** MAX(field). */
export function Max(path: string): Aggregate {
  return new Aggregate('MAX', path)
}
