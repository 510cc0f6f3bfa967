/**
 * Table names in SQL text, for the deploy page's correlation: the tables a migration's dry-run SQL
 * changes, and whether a query template touches one of them. A light scan of the statement heads
 * (ALTER/CREATE/DROP TABLE, CREATE INDEX ... ON, UPDATE, INSERT INTO, DELETE FROM, TRUNCATE), good
 * enough to match names; it is not a SQL parser.
 *
 * @example
 * ```ts
 * changedTables(['ALTER TABLE "library_book" ADD COLUMN "isbn" varchar(13) NULL']) // ['library_book']
 * templateTouches('SELECT "library_book"."id" FROM "library_book"', 'library_book') // true
 * ```
 */

const NAME = String.raw`((?:"(?:[^"]|"")+"|[\w$]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[\w$]+))?)`
const PATTERNS = [
  new RegExp(String.raw`\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}`, 'gi'),
  new RegExp(String.raw`\bCREATE\s+(?:UNLOGGED\s+|TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'gi'),
  new RegExp(String.raw`\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'gi'),
  new RegExp(
    String.raw`\bINDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME}\s+)?ON\s+(?:ONLY\s+)?${NAME}`,
    'gi',
  ),
  new RegExp(String.raw`\bUPDATE\s+(?:ONLY\s+)?${NAME}\s+SET\b`, 'gi'),
  new RegExp(String.raw`\bINSERT\s+INTO\s+${NAME}`, 'gi'),
  new RegExp(String.raw`\bDELETE\s+FROM\s+(?:ONLY\s+)?${NAME}`, 'gi'),
  new RegExp(String.raw`\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?${NAME}`, 'gi'),
  new RegExp(String.raw`\bRENAME\s+TO\s+${NAME}`, 'gi'),
]

/**
 * A table name without quotes or schema, lower-cased.
 *
 * @example
 * ```ts
 * normalizeTable('"public"."Library_Book"') // 'library_book'
 * ```
 */
export function normalizeTable(name: string): string {
  const parts = name.match(/"(?:[^"]|"")+"|[\w$]+/g) ?? [name]
  const last = parts[parts.length - 1] ?? name
  return (last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last).toLowerCase()
}

/**
 * The tables a list of statements changes, sorted and unique.
 *
 * @example
 * ```ts
 * changedTables(['CREATE INDEX "b_idx" ON "library_book" ("title")']) // ['library_book']
 * ```
 */
export function changedTables(statements: readonly string[]): string[] {
  const tables = new Set<string>()
  for (const sql of statements) {
    for (const pattern of PATTERNS) {
      for (const match of sql.matchAll(pattern)) {
        const name = match[match.length - 1]
        if (name) tables.add(normalizeTable(name))
      }
    }
  }
  return [...tables].sort()
}

/**
 * Whether a template names a table (quoted or bare, as a whole word, any case).
 *
 * @example
 * ```ts
 * templateTouches('SELECT * FROM library_bookshelf', 'library_book') // false
 * ```
 */
export function templateTouches(template: string, table: string): boolean {
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^\\w$])"?${escaped}"?($|[^\\w$])`, 'i').test(template)
}
