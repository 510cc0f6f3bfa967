/**
 * The `dorm_migrations(id, app, name, applied_at)` table: which migrations a database has.
 */
import type { DatabaseConnection } from '../db/connection.js'
import { dialectFor } from '../query/dialects.js'

/** The recorder table's name. */
export const RECORDER_TABLE = 'dorm_migrations'

/**
 * Reads and writes the recorder table of one connection.
 *
 * @example
 * ```ts
 * const recorder = new MigrationRecorder(getConnection())
 * await recorder.ensureTable()
 * await recorder.applied() // Set { 'library.0001_initial' }
 * ```
 */
export class MigrationRecorder {
  readonly #connection: DatabaseConnection

  constructor(connection: DatabaseConnection) {
    this.#connection = connection
  }

  #q(identifier: string): string {
    return dialectFor(this.#connection.vendor).quote(identifier)
  }

  #p(n: number): string {
    return dialectFor(this.#connection.vendor).placeholder(n)
  }

  async ensureTable(): Promise<void> {
    const pg = this.#connection.vendor === 'postgresql'
    const id = pg ? 'bigserial PRIMARY KEY' : 'integer PRIMARY KEY AUTOINCREMENT'
    const at = pg ? 'timestamp with time zone' : 'text'
    await this.#connection.execute(
      `CREATE TABLE IF NOT EXISTS ${this.#q(RECORDER_TABLE)} (${this.#q('id')} ${id}, ${this.#q('app')} varchar(255) NOT NULL, ` +
        `${this.#q('name')} varchar(255) NOT NULL, ${this.#q('applied_at')} ${at} NOT NULL, UNIQUE (${this.#q('app')}, ${this.#q('name')}))`,
    )
  }

  /** Whether the recorder table exists (reading must not create it: a dry-run writes nothing). */
  async exists(): Promise<boolean> {
    const sql =
      this.#connection.vendor === 'postgresql'
        ? `SELECT to_regclass(${this.#p(1)}) IS NOT NULL AS "found"`
        : `SELECT count(*) AS "found" FROM sqlite_master WHERE type = 'table' AND name = ${this.#p(1)}`
    const { rows } = await this.#connection.execute(sql, [RECORDER_TABLE])
    const found = rows[0]?.found
    return found === true || Number(found) > 0
  }

  /** `app.name` of every applied migration (empty when the table does not exist yet). */
  async applied(): Promise<Set<string>> {
    if (!(await this.exists())) return new Set()
    const { rows } = await this.#connection.execute(
      `SELECT ${this.#q('app')}, ${this.#q('name')} FROM ${this.#q(RECORDER_TABLE)}`,
    )
    return new Set(rows.map((r) => `${String(r.app)}.${String(r.name)}`))
  }

  async recordApplied(app: string, name: string): Promise<void> {
    const now = new Date().toISOString()
    await this.#connection.execute(
      `INSERT INTO ${this.#q(RECORDER_TABLE)} (${this.#q('app')}, ${this.#q('name')}, ${this.#q('applied_at')}) VALUES (${this.#p(1)}, ${this.#p(2)}, ${this.#p(3)})`,
      [app, name, now],
    )
  }

  async recordUnapplied(app: string, name: string): Promise<void> {
    await this.#connection.execute(
      `DELETE FROM ${this.#q(RECORDER_TABLE)} WHERE ${this.#q('app')} = ${this.#p(1)} AND ${this.#q('name')} = ${this.#p(2)}`,
      [app, name],
    )
  }
}
