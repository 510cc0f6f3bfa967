/**
 * Sticky read-after-write: every ORM write marks its model in the current async context for
 * READ_AFTER_WRITE_WINDOW seconds, and reads of that model in the same context go to the alias the
 * write went to (the primary), even through `using('replica')`, unless `{ sticky: false }`.
 * Setting the window to 0 or null turns pinning off at once, for marks made before too.
 *
 * The marks live in an AsyncLocalStorage map. Wrap each request in {@link readAfterWriteScope}
 * (the request middlewares of the contrib packages do) so concurrent requests never share marks,
 * and every write of the request, wherever it is awaited (in a called function, inside `atomic()`,
 * `getOrCreate()`), pins the reads that follow it in the request.
 *
 * Without a scope, the first write of an async context creates the marks with `enterWith` where
 * that write starts, which is best effort: code after the write in the same function sees them,
 * but the caller of a function that wrote after one of its own awaits (or inside `atomic()`) does
 * not, and a write made in the synchronous start of a long-lived context (module top level, a
 * test runner) hands the marks to everything started from it later, pinning more reads than
 * needed (to the primary, so never stale).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { readAfterWriteWindow } from '../conf/settings.js'
import type { ModelClassLike } from '../models/model-meta.js'

interface WriteMark {
  alias: string
  until: number
}

const storage = new AsyncLocalStorage<Map<string, WriteMark>>()

/**
 * Runs `fn` with marks of its own, so writes inside pin only reads inside.
 *
 * @example
 * ```ts
 * server.on('request', (req, res) => readAfterWriteScope(() => handle(req, res)))
 * ```
 */
export function readAfterWriteScope<T>(fn: () => T): T {
  return storage.run(new Map(), fn)
}

/**
 * Must run synchronously at the start of a write (before any await), so the store it creates
 * belongs to the caller's context rather than to the write's own continuation.
 */
export function writeMarks(): Map<string, WriteMark> | undefined {
  const window = readAfterWriteWindow()
  if (window === null || window <= 0) return undefined
  let marks = storage.getStore()
  if (marks === undefined) {
    marks = new Map()
    storage.enterWith(marks)
  }
  return marks
}

/** Records a finished write of `model` on `alias`. */
export function markWrite(marks: Map<string, WriteMark> | undefined, model: ModelClassLike, alias: string): void {
  if (marks === undefined) return
  const window = readAfterWriteWindow()
  if (window === null || window <= 0) return
  marks.set(model.meta.label, { alias, until: performance.now() + window * 1000 })
}

/** The alias a read of `model` must use because of a recent write in this context, if any. */
export function stickyAlias(model: ModelClassLike): string | undefined {
  const marks = storage.getStore()
  if (marks === undefined || marks.size === 0) return undefined
  // a window set to 0/null after the writes ends their pinning too
  const window = readAfterWriteWindow()
  if (window === null || window <= 0) return undefined
  const mark = marks.get(model.meta.label)
  if (mark === undefined) return undefined
  if (performance.now() > mark.until) {
    marks.delete(model.meta.label)
    return undefined
  }
  return mark.alias
}
