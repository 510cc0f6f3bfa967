/**
 * Marks the statements that lazily load a relation (`await book.related('author')`,
 * `await author.books.all()`, `await book.tags.all()`), so instrumentation can say which model and
 * relation a query came from. The mark lives in an AsyncLocalStorage for the duration of the load;
 * outside a relation load {@link currentRelationAccess} is undefined.
 *
 * The N+1 detector uses it to name `Book.author` and suggest `selectRelated('author')` (forward
 * ForeignKey / OneToOneField) or `prefetchRelated('books')` (reverse and many-to-many relations).
 *
 * @example
 * ```ts
 * import { currentRelationAccess } from '@dorm/engine'
 * addQueryObserver({
 *   start: () => currentRelationAccess(),
 *   end: (access, q) => access && console.log(`${access.model}.${access.relation}: ${q.sql}`),
 * })
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * How the relation is reached from the instance:
 * - `forward`: a ForeignKey / OneToOneField declared on the model (`book.related('author')`);
 * - `reverse_one_to_one`: the other side of a OneToOneField (`book.related('profile')`);
 * - `reverse`: the other side of a ForeignKey (`author.books`);
 * - `many_to_many`: either side of a ManyToManyField (`book.tags`, `tag.books`).
 */
export type RelationAccessKind = 'forward' | 'reverse_one_to_one' | 'reverse' | 'many_to_many'

/** One lazy relation load: the model owning the accessor, the accessor's name and its kind. */
export interface RelationAccess {
  /** Label of the model the accessor is on (`library.Book`). */
  readonly model: string
  /** The accessor (`author`, `books`, `tags`). */
  readonly relation: string
  readonly kind: RelationAccessKind
}

const storage = new AsyncLocalStorage<RelationAccess>()

/**
 * The relation load the current statement belongs to, or undefined outside one.
 *
 * @example
 * ```ts
 * const access = currentRelationAccess()
 * if (access) console.log(`lazy load of ${access.model}.${access.relation}`)
 * ```
 */
export function currentRelationAccess(): RelationAccess | undefined {
  return storage.getStore()
}

/**
 * Runs `fn` as a lazy load of `access`: every statement it starts sees the mark.
 *
 * @example
 * ```ts
 * const author = await runAsRelationAccess({ model: 'library.Book', relation: 'author', kind: 'forward' }, () =>
 *   Author.objects.get({ pk: book.authorId }),
 * )
 * ```
 */
export function runAsRelationAccess<T>(access: RelationAccess, fn: () => T): T {
  return storage.run(access, fn)
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> & AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  )
}

/** An async iterator whose every step runs as `access` (generator bodies run at each `next()`). */
function markedIterator(iterator: AsyncIterator<unknown>, access: RelationAccess): AsyncIterableIterator<unknown> {
  const marked: AsyncIterableIterator<unknown> = {
    next: (...args: [] | [unknown]) => storage.run(access, () => iterator.next(...args)),
    [Symbol.asyncIterator]: () => marked,
  }
  if (iterator.return !== undefined) {
    const finish = iterator.return.bind(iterator)
    marked.return = (value?: unknown) => storage.run(access, () => finish(value))
  }
  if (iterator.throw !== undefined) {
    const fail = iterator.throw.bind(iterator)
    marked.throw = (err?: unknown) => storage.run(access, () => fail(err))
  }
  return marked
}

/**
 * Wraps a lazy QuerySet (or any chainable query object) so that whatever runs it (awaiting it,
 * `get()`, `count()`, `iterator()`, ...) runs as `access`, and so do the QuerySets chained from it
 * (`author.books.filter(...).orderBy(...)`). Methods run on the real object, so private state works.
 *
 * @example
 * ```ts
 * override all() {
 *   return markRelationAccess(super.all(), { model: 'library.Author', relation: 'books', kind: 'reverse' })
 * }
 * ```
 */
export function markRelationAccess<Q extends object>(query: Q, access: RelationAccess): Q {
  const kind = query.constructor
  return new Proxy(query, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function' || property === 'constructor') return value
      return (...args: unknown[]) => {
        const result: unknown = storage.run(access, () => (value as (...a: unknown[]) => unknown).apply(target, args))
        if (result instanceof kind) return markRelationAccess(result as object, access)
        if (isAsyncIterator(result)) return markedIterator(result, access)
        return result
      }
    },
  })
}
