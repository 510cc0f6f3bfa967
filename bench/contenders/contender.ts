/**
 * What every benchmark contender implements: one method per workload shape, each running the same
 * SQL as raw `pg` would, through the contender's own API. A missing method means the contender
 * has no equivalent for that workload (it is left out of that table row, never faked).
 */

/** The backend a contender talks to. */
export type Backend = 'postgresql' | 'sqlite'

/** A new row of the `events` table (W7, W8). */
export interface EventRow {
  userId: number
  kind: string
  amount: number
  createdAt: Date
}

/** One user with its posts (W6): the shape every contender returns for the checksum. */
export interface UserWithPosts {
  id: unknown
  name: unknown
  posts: Array<{ id: unknown; title: unknown }>
}

/** Everything a contender needs to connect. */
export interface ContenderEnv {
  /** PostgreSQL URL (postgresql contenders). */
  pgUrl: string
  /** SQLite database file (sqlite contenders). */
  sqlitePath: string
  /** Pool size, the same for every contender. */
  poolMax: number
}

/**
 * A contender: a driver or ORM in one configuration (prepare mode, hooks...).
 *
 * @example
 * ```ts
 * const contender = await createContender('pg', env)
 * const user = await contender.pointRead?.(42)
 * await contender.close()
 * ```
 */
export interface Contender {
  /** W1/W2: the user with this id, every column. */
  pointRead?(id: number): Promise<unknown>
  /** W3: check a connection out of the pool and give it back, no query. */
  checkout?(): Promise<void>
  /** W3: check out, `SELECT 1`, give back. */
  checkoutSelect1?(): Promise<void>
  /** W4: the 20 newest posts with this status. */
  page?(status: string): Promise<unknown[]>
  /** W5: the first `n` posts by id as the contender's natural objects (model instances for ORMs). */
  fetchMany?(n: number): Promise<unknown[]>
  /** W5: the same rows as plain objects (dorm `values()`); omitted when the natural form already is. */
  fetchValues?(n: number): Promise<unknown[]>
  /** W5: the same rows through a cursor/iterator; resolves to the row count. */
  fetchIterate?(n: number): Promise<number>
  /** W6: these users with their posts, in id order, posts in id order. */
  relations?(userIds: number[]): Promise<UserWithPosts[]>
  /** W7: insert one event, resolve to its new id. */
  insertOne?(row: EventRow): Promise<unknown>
  /** W8: insert all rows in one transaction. */
  bulkInsert?(rows: EventRow[]): Promise<void>
  /** W9: set each account's balance to its own value, in bulk. */
  bulkUpdate?(pairs: Array<[id: number, balance: number]>): Promise<void>
  /** W9: delete these events in one statement. */
  bulkDelete?(ids: number[]): Promise<void>
  /** W10: BEGIN; SELECT … FOR UPDATE; UPDATE balance + 1; COMMIT. */
  transfer?(accountId: number): Promise<void>
  /** W11: per category (50 groups) the post count and the sum of views, for users in [from, to]. */
  aggregate?(fromUser: number, toUser: number): Promise<unknown[]>
  /** W11: the number of posts with this status for users in [from, to]. */
  filteredCount?(status: string, fromUser: number, toUser: number): Promise<number>
  /** W12: build and compile (no I/O) a query with an OR filter, a join, an order and a limit. */
  compileQuery?(i: number): unknown
  /** W12: turn pre-fetched raw rows into the contender's objects; resolves after `prepareHydration`. */
  hydrate?(): unknown
  /** W12: fetch the raw rows `hydrate` turns into objects (untimed). */
  prepareHydration?(n: number): Promise<void>
  close(): Promise<void>
}
