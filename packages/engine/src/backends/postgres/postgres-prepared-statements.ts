import { createHash } from 'node:crypto'

/** Distinct SQL shapes counted per connection before the counts are reset (bounds memory). */
const MAX_TRACKED_SHAPES = 2000
/** Server-side prepared statements per connection, as psycopg's `prepared_max`. */
export const MAX_PREPARED_PER_CONNECTION = 100

interface ShapeUse {
  count: number
  name: string | undefined
}

/**
 * PREPARE_THRESHOLD for one connection: counts executions per SQL text and, once a text has run
 * `threshold` times (the threshold-th execution included; 0 = from the first), hands out a stable
 * statement name so node-postgres parses it once on the server and reuses it afterwards.
 * `null` never prepares. At most {@link MAX_PREPARED_PER_CONNECTION} names per connection; shapes
 * past that run unprepared, so a workload of one-shot queries cannot bloat the server's memory.
 *
 * @example
 * ```ts
 * const tracker = new PreparedStatementTracker(5)
 * for (let i = 0; i < 4; i++) tracker.nameFor('SELECT 1') // undefined
 * tracker.nameFor('SELECT 1') // 'dorm_6c0a5...' from the 5th execution on
 * ```
 */
export class PreparedStatementTracker {
  readonly threshold: number | null
  #uses = new Map<string, ShapeUse>()
  #prepared = 0

  constructor(threshold: number | null) {
    this.threshold = threshold
  }

  /** Number of statement names handed out on this connection. */
  get preparedCount(): number {
    return this.#prepared
  }

  nameFor(sql: string): string | undefined {
    if (this.threshold === null) return undefined
    let use = this.#uses.get(sql)
    if (use === undefined) {
      if (this.#uses.size >= MAX_TRACKED_SHAPES) this.#forgetUnprepared()
      use = { count: 0, name: undefined }
      this.#uses.set(sql, use)
    }
    if (use.name !== undefined) return use.name
    use.count++
    if (use.count >= this.threshold && this.#prepared < MAX_PREPARED_PER_CONNECTION) {
      use.name = `dorm_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
      this.#prepared++
    }
    return use.name
  }

  #forgetUnprepared(): void {
    for (const [sql, use] of this.#uses) if (use.name === undefined) this.#uses.delete(sql)
  }
}
