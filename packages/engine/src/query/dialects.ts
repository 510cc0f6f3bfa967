import type { Vendor } from '../backends/base/base-connection.js'
import { postgresDialect } from '../backends/postgres/postgres-dialect.js'
import { libsqlDialect, sqliteDialect } from '../backends/sqlite/sqlite-dialect.js'
import type { Dialect } from './dialect.js'

const DIALECTS: Record<Vendor, Dialect> = {
  postgresql: postgresDialect,
  sqlite: sqliteDialect,
  libsql: libsqlDialect,
}

/** The SQL dialect of a vendor. */
export function dialectFor(vendor: Vendor): Dialect {
  return DIALECTS[vendor]
}
