/**
 * Index and constraint declarations for `meta.indexes` / `meta.constraints`. Migrations turn them
 * into DDL; the ORM only reads their names and fields.
 */

/**
 * An index on one or more fields (`-field` for descending).
 *
 * @example
 * ```ts
 * meta: { indexes: [new Index({ fields: ['title'], name: 'book_title_idx' })] }
 * ```
 */
export class Index {
  readonly kind = 'Index'
  readonly fields: readonly string[]
  readonly name: string
  readonly unique: boolean
  /** A partial index condition, as raw SQL (PostgreSQL and SQLite both support it). */
  readonly condition: string | undefined

  constructor(options: { fields: readonly string[]; name: string; unique?: boolean; condition?: string }) {
    if (options.fields.length === 0) throw new TypeError(`Index '${options.name}' needs at least one field.`)
    this.fields = [...options.fields]
    this.name = options.name
    this.unique = options.unique ?? false
    this.condition = options.condition
  }
}

/**
 * A UNIQUE constraint over fields.
 *
 * @example
 * ```ts
 * meta: { constraints: [new UniqueConstraint({ fields: ['email'], name: 'customer_email_uniq' })] }
 * ```
 */
export class UniqueConstraint {
  readonly kind = 'UniqueConstraint'
  readonly fields: readonly string[]
  readonly name: string

  constructor(options: { fields: readonly string[]; name: string }) {
    if (options.fields.length === 0) throw new TypeError(`UniqueConstraint '${options.name}' needs at least one field.`)
    this.fields = [...options.fields]
    this.name = options.name
  }
}

/**
 * A CHECK constraint, as raw SQL over column names.
 *
 * @example
 * ```ts
 * meta: { constraints: [new CheckConstraint({ check: 'pages >= 0', name: 'book_pages_positive' })] }
 * ```
 */
export class CheckConstraint {
  readonly kind = 'CheckConstraint'
  readonly check: string
  readonly name: string

  constructor(options: { check: string; name: string }) {
    this.check = options.check
    this.name = options.name
  }
}

export type Constraint = UniqueConstraint | CheckConstraint
