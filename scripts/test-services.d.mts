/** Types of `test-services.mjs`. */

/** What a global setup started; `stop()` releases all of it. */
export interface TestServices {
  /** The PostgreSQL URL, or '' when postgres was not asked for. */
  readonly pgUrl: string
  /** The temp dir for SQLite/libsql files, or '' when no prefix was given. */
  readonly sqliteDir: string
  stop(): Promise<void>
}

export function startTestServices(options: {
  /** The cluster's name when one is started. */
  name: string
  postgres: boolean
  sqliteDirPrefix?: string
}): Promise<TestServices>
