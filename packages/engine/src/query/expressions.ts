/**
 * Query expressions: `F('field')` references, arithmetic on them, literal values, and `Q` objects
 * that combine filters with AND / OR / NOT.
 */
import type { ExpressionLike } from '../models/model-types.js'

/** An arithmetic operator of F expressions. */
export type ArithmeticOperator = '+' | '-' | '*' | '/'

/** The base of every expression node. */
export abstract class Expression implements ExpressionLike {
  readonly __expression = true as const

  add(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '+', toExpression(other))
  }

  sub(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '-', toExpression(other))
  }

  mul(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '*', toExpression(other))
  }

  div(other: unknown): CombinedExpression {
    return new CombinedExpression(this, '/', toExpression(other))
  }
}

/** A reference to a field of the row (`F('pages')`, or across relations `F('author__age')`). */
export class FieldRef extends Expression {
  constructor(readonly path: string) {
    super()
  }
}

/** A literal value, bound as a parameter. */
export class Value extends Expression {
  constructor(readonly value: unknown) {
    super()
  }
}

/** `left <op> right`. */
export class CombinedExpression extends Expression {
  constructor(
    readonly left: Expression,
    readonly operator: ArithmeticOperator,
    readonly right: Expression,
  ) {
    super()
  }
}

function toExpression(value: unknown): Expression {
  return value instanceof Expression ? value : new Value(value)
}

/**
 * A reference to a field, usable in filters and updates without reading the row first.
 *
 * @example
 * ```ts
 * await Book.objects.filter({ pages__lt: F('minPages') }).update({ pages: F('pages').add(1) })
 * ```
 */
export function F(path: string): FieldRef {
  return new FieldRef(path)
}

/** Keyword filters, as given to `filter()`. */
export type Filters = Record<string, unknown>

/** A node of a Q tree. */
export type QNode =
  | { readonly kind: 'filters'; readonly filters: Filters }
  | { readonly kind: 'and' | 'or'; readonly children: readonly QNode[] }
  | { readonly kind: 'not'; readonly child: QNode }

/**
 * A combinable filter condition.
 *
 * @example
 * ```ts
 * Book.objects.filter(Q.or(Q({ pages__lt: 10 }), Q({ title__startswith: 'A' })))
 * Book.objects.filter(Q({ pages__gt: 100 }).and(Q.not(Q({ title: 'Draft' }))))
 * ```
 */
export class QObject {
  constructor(readonly node: QNode) {}

  and(...others: QObject[]): QObject {
    return Q.and(this, ...others)
  }

  or(...others: QObject[]): QObject {
    return Q.or(this, ...others)
  }

  not(): QObject {
    return Q.not(this)
  }
}

interface QFunction {
  (filters: Filters): QObject
  and(...qs: QObject[]): QObject
  or(...qs: QObject[]): QObject
  not(q: QObject): QObject
}

/** Builds Q objects; see {@link QObject}. */
export const Q: QFunction = Object.assign((filters: Filters) => new QObject({ kind: 'filters', filters }), {
  and: (...qs: QObject[]) => new QObject({ kind: 'and', children: qs.map((q) => q.node) }),
  or: (...qs: QObject[]) => new QObject({ kind: 'or', children: qs.map((q) => q.node) }),
  not: (q: QObject) => new QObject({ kind: 'not', child: q.node }),
})
