import type { DatabaseConnection } from '../../db/connection.js'
import { MigrationError } from '../../errors.js'
import type { ModelClassLike } from '../../models/model-meta.js'
import type { ProjectState } from '../migration-state.js'
import { Operation, type OperationContext } from './operation.js'

/**
 * Raw SQL, forwards and (optionally) backwards. Several statements may be given as an array.
 *
 * @example
 * ```ts
 * new RunSQL({ sql: "UPDATE shop_order SET state = 'new' WHERE state IS NULL", reverseSql: RunSQL.noop })
 * ```
 */
export class RunSQL extends Operation {
  /** A reverse that does nothing, on purpose. */
  static readonly noop = ''
  readonly kind = 'RunSQL'
  readonly sql: readonly string[]
  readonly reverseSql: readonly string[] | undefined

  constructor(options: { sql: string | readonly string[]; reverseSql?: string | readonly string[] }) {
    super()
    this.sql = typeof options.sql === 'string' ? [options.sql] : [...options.sql]
    this.reverseSql =
      options.reverseSql === undefined
        ? undefined
        : typeof options.reverseSql === 'string'
          ? [options.reverseSql]
          : [...options.reverseSql]
  }

  override get reversible(): boolean {
    return this.reverseSql !== undefined
  }

  stateForwards(): void {}

  async databaseForwards({ editor }: OperationContext): Promise<void> {
    for (const sql of this.sql) if (sql.trim() !== '') await editor.execute(sql)
  }

  async databaseBackwards({ editor }: OperationContext): Promise<void> {
    if (this.reverseSql === undefined) {
      throw new MigrationError(
        'RunSQL has no reverseSql, so it cannot be rolled back. Give reverseSql (RunSQL.noop for nothing).',
      )
    }
    for (const sql of this.reverseSql) if (sql.trim() !== '') await editor.execute(sql)
  }

  describe(): string {
    return 'Raw SQL operation'
  }
}

/** What a RunCode function receives. */
export interface RunCodeContext {
  readonly app: string
  /** The connection the migration runs on (inside its transaction when atomic). */
  readonly connection: DatabaseConnection
  /** Models as of this migration (meta only: tables, columns, fields), by `app.Model` label. */
  model(label: string): ModelClassLike
  /** Runs raw SQL on the migration's connection. */
  execute(sql: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number }>
}

/** A data migration step. */
export type RunCodeFunction = (context: RunCodeContext) => Promise<void> | void

/**
 * TypeScript code as a migration step: the counterpart of Django's RunPython. In a dry-run it does
 * not run (the SQL it would issue is unknown); the plan says so.
 *
 * @example
 * ```ts
 * new RunCode({ code: async (ctx) => { await ctx.execute('UPDATE shop_order SET total = 0 WHERE total IS NULL') }, reverseCode: RunCode.noop })
 * ```
 */
export class RunCode extends Operation {
  /** A reverse that does nothing, on purpose. */
  static readonly noop: RunCodeFunction = () => undefined
  readonly kind = 'RunCode'
  readonly code: RunCodeFunction
  readonly reverseCode: RunCodeFunction | undefined

  constructor(options: { code: RunCodeFunction; reverseCode?: RunCodeFunction }) {
    super()
    if (typeof options.code !== 'function') throw new MigrationError('RunCode needs code: a function (ctx) => ...')
    this.code = options.code
    this.reverseCode = options.reverseCode
  }

  override get reversible(): boolean {
    return this.reverseCode !== undefined
  }

  stateForwards(): void {}

  async databaseForwards(context: OperationContext): Promise<void> {
    await this.#run(this.code, context, context.to)
  }

  async databaseBackwards(context: OperationContext): Promise<void> {
    if (this.reverseCode === undefined) {
      throw new MigrationError(
        'RunCode has no reverseCode, so it cannot be rolled back. Give reverseCode (RunCode.noop for nothing).',
      )
    }
    await this.#run(this.reverseCode, context, context.to)
  }

  async #run(fn: RunCodeFunction, { app, editor }: OperationContext, state: ProjectState): Promise<void> {
    if (editor.collectOnly) {
      editor.statements.push(`-- RunCode (${fn.name || 'anonymous'}): TypeScript code, not run in a dry-run`)
      return
    }
    const connection = editor.connection
    await fn({
      app,
      connection,
      model: (label) => {
        const [appLabel, name] = label.includes('.') ? label.split('.') : [app, label]
        return state.render(appLabel as string, name as string)
      },
      execute: (sql, params = []) => connection.execute(sql, params),
    })
  }

  describe(): string {
    return 'Raw TypeScript operation'
  }
}
