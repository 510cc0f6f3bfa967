/**
 * Multi-row INSERT statements for the ingest path's upserts (`ON CONFLICT ... DO UPDATE` / `DO
 * NOTHING`, which the ORM's bulkCreate does not express). Table, columns and value conversions come
 * from the models' own fields, so the rows are stored exactly as the ORM would store them.
 *
 * @example
 * ```ts
 * const statements = insertStatements('postgresql', QueryTemplate, ['fingerprint', 'template', 'first_seen_at'], rows,
 *   'ON CONFLICT (fingerprint) DO NOTHING')
 * for (const { sql, params } of statements) await getConnection().execute(sql, params)
 * ```
 */
import type { Vendor } from '@dorm/engine'

/** The parts of a model class these statements need. */
export interface ModelTableLike {
  readonly meta: {
    readonly dbTable: string
    readonly label: string
    findField(name: string): { readonly column: string; toDb(value: unknown, vendor: Vendor): unknown } | undefined
  }
}

/** Rows per statement: well under SQLite's 32766 and PostgreSQL's 65535 parameters. */
const ROWS_PER_STATEMENT = 500

/**
 * A quoted identifier.
 *
 * @example
 * ```ts
 * quoteName('count') // '"count"'
 * ```
 */
export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * The quoted column of a model field.
 *
 * @example
 * ```ts
 * columnOf(QueryRollup, 'service') // '"service_id"'
 * ```
 */
export function columnOf(model: ModelTableLike, fieldName: string): string {
  const field = model.meta.findField(fieldName)
  if (field === undefined) throw new Error(`${model.meta.label} has no field '${fieldName}'`)
  return quoteName(field.column)
}

/**
 * INSERT statements for `rows` (values in `fieldNames` order, converted by each field), at most
 * 500 rows each, with `suffix` (the conflict clause, RETURNING ...) after the VALUES.
 *
 * @example
 * ```ts
 * insertStatements('sqlite', Service, ['environment', 'name'], [[1, 'api']], 'ON CONFLICT DO NOTHING')
 * // [{ sql: 'INSERT INTO "dashboard_service" ("environment_id", "name") VALUES (?, ?) ON CONFLICT DO NOTHING', params: [1, 'api'] }]
 * ```
 */
export function insertStatements(
  vendor: Vendor,
  model: ModelTableLike,
  fieldNames: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Array<{ sql: string; params: unknown[] }> {
  const fields = fieldNames.map((name) => {
    const field = model.meta.findField(name)
    if (field === undefined) throw new Error(`${model.meta.label} has no field '${name}'`)
    return field
  })
  const head = `INSERT INTO ${quoteName(model.meta.dbTable)} (${fields.map((f) => quoteName(f.column)).join(', ')}) VALUES `
  const out: Array<{ sql: string; params: unknown[] }> = []
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const params: unknown[] = []
    const tuples = rows.slice(start, start + ROWS_PER_STATEMENT).map((row) => {
      const marks = fields.map((field, i) => {
        params.push(field.toDb(row[i], vendor))
        return vendor === 'postgresql' ? `$${params.length}` : '?'
      })
      return `(${marks.join(', ')})`
    })
    out.push({ sql: `${head}${tuples.join(', ')}${suffix ? ` ${suffix}` : ''}`, params })
  }
  return out
}
