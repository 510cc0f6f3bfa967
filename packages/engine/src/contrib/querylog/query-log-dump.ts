/**
 * Writing a query log out: a JSON array or JSON Lines of export rows
 * (`{ sql, template, elapsed_ms, alias, vendor, error[, params] }`, see
 * `QueryRecord.toExportDict`). Params are left out unless asked for, since they may hold personal
 * data; when included, bigints are written as strings and byte arrays as base64.
 *
 * @example
 * ```ts
 * await writeRecordsJsonl(log.records, '/tmp/queries.jsonl')
 * ```
 */
import { writeFile } from 'node:fs/promises'
import type { QueryRecord } from './query-record.js'

/** Options of the dump functions. */
export interface DumpOptions {
  /** Write each statement's params too (default false). */
  includeParams?: boolean
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  // Buffer#toJSON runs before the replacer sees it: turn its { type, data } back into base64
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data).toString('base64')
  }
  return value
}

/**
 * The records as a JSON array of export rows.
 *
 * @example
 * ```ts
 * const text = recordsToJson(log.records, { includeParams: true })
 * ```
 */
export function recordsToJson(records: readonly QueryRecord[], options: DumpOptions = {}): string {
  return JSON.stringify(
    records.map((r) => r.toExportDict(options)),
    jsonSafe,
  )
}

/**
 * The records as JSON Lines: one export row per line, each line ending with `\n`.
 *
 * @example
 * ```ts
 * recordsToJsonl(log.records).split('\n').length - 1 === log.count // true
 * ```
 */
export function recordsToJsonl(records: readonly QueryRecord[], options: DumpOptions = {}): string {
  return records.map((r) => `${JSON.stringify(r.toExportDict(options), jsonSafe)}\n`).join('')
}

/**
 * Writes the JSON array to `path` when given; resolves to the JSON text either way.
 *
 * @example
 * ```ts
 * const text = await writeRecordsJson(log.records)
 * ```
 */
export async function writeRecordsJson(
  records: readonly QueryRecord[],
  path?: string,
  options: DumpOptions = {},
): Promise<string> {
  const text = recordsToJson(records, options)
  if (path !== undefined) await writeFile(path, text, 'utf8')
  return text
}

/**
 * Writes JSON Lines to `path` (replacing the file).
 *
 * @example
 * ```ts
 * await writeRecordsJsonl(log.records, 'queries.jsonl', { includeParams: true })
 * ```
 */
export async function writeRecordsJsonl(
  records: readonly QueryRecord[],
  path: string,
  options: DumpOptions = {},
): Promise<void> {
  await writeFile(path, recordsToJsonl(records, options), 'utf8')
}
