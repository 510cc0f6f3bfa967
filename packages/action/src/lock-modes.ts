/**
 * The PostgreSQL table lock a DDL/DML statement takes, from the statement's kind as the PostgreSQL
 * manual lists it ("Explicit Locking", and each command's page), for the dry-run table. Not a lint
 * rule: it says what a statement locks, not whether that is a problem.
 */

/** A lock mode and what it blocks. */
export interface LockInfo {
  readonly mode: string
  readonly blocks: string
}

const ACCESS_EXCLUSIVE: LockInfo = { mode: 'ACCESS EXCLUSIVE', blocks: 'reads and writes' }
const SHARE: LockInfo = { mode: 'SHARE', blocks: 'writes' }
const SHARE_ROW_EXCLUSIVE: LockInfo = { mode: 'SHARE ROW EXCLUSIVE', blocks: 'writes' }
const SHARE_UPDATE_EXCLUSIVE: LockInfo = { mode: 'SHARE UPDATE EXCLUSIVE', blocks: 'other schema changes, VACUUM' }
const ROW_EXCLUSIVE: LockInfo = { mode: 'ROW EXCLUSIVE', blocks: 'schema changes on the table' }
const NEW_OBJECT: LockInfo = { mode: 'none on existing tables', blocks: 'nothing (new object)' }

const PATTERNS: ReadonlyArray<readonly [RegExp, LockInfo]> = [
  [/^CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i, SHARE_UPDATE_EXCLUSIVE],
  [/^CREATE\s+(UNIQUE\s+)?INDEX\b/i, SHARE],
  [/^DROP\s+INDEX\s+CONCURRENTLY\b/i, SHARE_UPDATE_EXCLUSIVE],
  [/^(DROP\s+INDEX|DROP\s+TABLE|TRUNCATE|VACUUM\s+FULL|CLUSTER)\b/i, ACCESS_EXCLUSIVE],
  [/^REINDEX\b.*\bCONCURRENTLY\b/is, SHARE_UPDATE_EXCLUSIVE],
  [/^REINDEX\b/i, ACCESS_EXCLUSIVE],
  [/^CREATE\s+(TABLE|SEQUENCE|TYPE|SCHEMA|EXTENSION|(OR\s+REPLACE\s+)?VIEW)\b/i, NEW_OBJECT],
  [/^CREATE\s+(CONSTRAINT\s+)?TRIGGER\b/i, SHARE_ROW_EXCLUSIVE],
  [/^ALTER\s+TABLE\b.*\bVALIDATE\s+CONSTRAINT\b/is, SHARE_UPDATE_EXCLUSIVE],
  [/^ALTER\s+TABLE\b.*\bADD\s+(CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b.*\bNOT\s+VALID\b/is, SHARE_ROW_EXCLUSIVE],
  [/^ALTER\s+TABLE\b.*\bADD\s+(CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b/is, SHARE_ROW_EXCLUSIVE],
  [/^ALTER\s+TABLE\b.*\bSET\s+STATISTICS\b/is, SHARE_UPDATE_EXCLUSIVE],
  [/^ALTER\s+TABLE\b/i, ACCESS_EXCLUSIVE],
  [/^(INSERT|UPDATE|DELETE|MERGE)\b/i, ROW_EXCLUSIVE],
]

/**
 * The table lock `sql` takes on PostgreSQL, or undefined when not known.
 *
 * @example
 * ```ts
 * lockOf('CREATE INDEX "i" ON "t" ("c")')?.mode // 'SHARE'
 * lockOf('SELECT 1') // undefined
 * ```
 */
export function lockOf(sql: string): LockInfo | undefined {
  const statement = sql.replace(/^(\s|--[^\n]*\n)+/, '')
  for (const [pattern, lock] of PATTERNS) if (pattern.test(statement)) return lock
  return undefined
}
