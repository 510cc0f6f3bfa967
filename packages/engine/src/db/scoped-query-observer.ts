/**
 * The collector behind QueryLog, queryCountGuard and the N+1 detector: an AsyncLocalStorage holds
 * the stack of scopes active in the current async context, and one query observer, installed only
 * while at least one scope runs, hands each statement to the scopes that were active when it
 * started. Concurrent requests each see only their own statements; nested scopes all see the inner
 * ones.
 *
 * Why a query observer rather than the `postQuery` signal: the observer is installed only while a
 * scope runs (an idle app pays the pipeline's one length check), `start` reads the context once per
 * statement and `end` gets that state back with no lookup, and the end payload already carries the
 * mapped DormError and the row count. The scope stack is captured at the start, so a statement is
 * attributed to the scopes it began in even when it ends after an inner scope closed.
 *
 * @example
 * ```ts
 * const counters = new ScopedQueryObserver<{ n: number }>({ start: (scopes) => scopes.forEach((s) => s.n++) })
 * const counter = { n: 0 }
 * await counters.run(counter, () => Book.objects.count())
 * counter.n // 1
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { addQueryObserver, type QueryEnd, type QueryStart } from './query-observers.js'

/** What a {@link ScopedQueryObserver} does with each statement. */
export interface ScopedQueryHandlers<S> {
  /** Called when a statement starts, with the scopes active around it (outermost first). */
  start?(scopes: readonly S[], query: QueryStart): void
  /** Called when that statement ends (or fails), with the same scopes. */
  end?(scopes: readonly S[], query: QueryEnd): void
}

/** A stack of scopes per async context and the observer that feeds them. See the module doc. */
export class ScopedQueryObserver<S> {
  readonly #storage = new AsyncLocalStorage<readonly S[]>()
  readonly #handlers: ScopedQueryHandlers<S>
  #running = 0
  #remove: (() => void) | null = null

  constructor(handlers: ScopedQueryHandlers<S>) {
    this.#handlers = handlers
  }

  /** The scopes active in the current async context, outermost first (empty outside any). */
  current(): readonly S[] {
    return this.#storage.getStore() ?? []
  }

  /** Runs `fn` with `scope` pushed on the current stack; resolves to fn's result. */
  async run<T>(scope: S, fn: () => T | PromiseLike<T>): Promise<T> {
    this.#acquire()
    try {
      return await this.#storage.run([...this.current(), scope], fn)
    } finally {
      this.#release()
    }
  }

  #acquire(): void {
    this.#running++
    if (this.#remove !== null) return
    const { start, end } = this.#handlers
    this.#remove = addQueryObserver<readonly S[] | undefined>({
      start: (query) => {
        const scopes = this.#storage.getStore()
        if (scopes !== undefined && start !== undefined) start(scopes, query)
        return scopes
      },
      end: (scopes, query) => {
        if (scopes !== undefined && end !== undefined) end(scopes, query)
      },
    })
  }

  #release(): void {
    this.#running--
    if (this.#running > 0 || this.#remove === null) return
    this.#remove()
    this.#remove = null
  }
}
