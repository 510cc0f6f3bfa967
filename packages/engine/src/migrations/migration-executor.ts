/**
 * Applies and unapplies migrations on one alias: plans (forwards to the leaves or a target,
 * backwards to a target or `zero`), runs each file atomically with its recorder row, fakes, and
 * dry-runs (every statement collected, nothing written). On PostgreSQL each migration runs under
 * a `lock_timeout` (MIGRATION_TABLE_LOCK_TIMEOUT_MS, default 10 s), so a statement that cannot get its
 * table lock gives up instead of queueing every query of the app behind it.
 */
import { migrationTableLockTimeoutMs } from '../conf/settings.js'
import type { DatabaseConnection } from '../db/connection.js'
import { getLogger } from '../db/logging.js'
import { atomic } from '../db/transaction.js'
import { DatabaseError, DormError, MigrationError } from '../errors.js'
import { SchemaEditor } from '../schema/schema-editor.js'
import type { Migration } from './migration.js'
import { MigrationGraph, migrationKey } from './migration-graph.js'
import { MigrationRecorder } from './migration-recorder.js'
import type { ProjectState } from './migration-state.js'
import { AddIndex, RemoveIndex } from './operations/index-operations.js'
import { withForeignKeysOffChecked } from './sqlite-foreign-keys.js'
import {
  lockedTable,
  lockNotAvailableError,
  lockTimeoutStatement,
  MigrationLockNotAvailable,
  withSessionPin,
} from './statement-lock-timeout.js'

const migrationsLogger = getLogger('dorm.migrations')

/**
 * Puts the migration, the failed operation (position and repr), its statement and what was kept
 * in front of a database error's message, keeping its class, code and cause (the JSON report and
 * the exit code stay those of the database error).
 */
function withFailedOperation(err: unknown, migration: Migration, index: number): unknown {
  if (!(err instanceof DormError) || err instanceof MigrationError) return err
  const label = `${migration.app}.${migration.name}`
  const op = migration.operations[index]
  const statement = err instanceof DatabaseError && err.sql !== undefined ? `, statement \`${err.sql}\`` : ''
  const kept = migration.atomic
    ? `Nothing of ${label} was applied or recorded (rolled back)`
    : `${label} is atomic: false, so operations before ${index + 1} stayed applied; it was not recorded`
  err.message =
    `Migration ${label} failed in operation ${index + 1} of ${migration.operations.length} (${op?.repr()}${statement}): ` +
    `${err.message}. ${kept}: fix ${migration.file} and run dorm migrate again.`
  return err
}

/** One step of a plan. */
export interface PlanStep {
  readonly migration: Migration
  readonly backwards: boolean
}

/** Options of {@link MigrationExecutor.run}. */
export interface RunOptions {
  /** Collect the SQL without running it or recording anything. */
  dryRun?: boolean
  /** Record (or unrecord) without running the operations. */
  fake?: boolean
  /**
   * Called before and after each step, e.g. to print `Applying app.0001_initial...`. `skipped`: on
   * SQLite/libsql (no migrate lock) a concurrent migrate applied (or unapplied) the step after this
   * run planned it, so it was left alone.
   */
  onStep?: (step: PlanStep, phase: 'start' | 'done' | 'skipped') => void
  /**
   * PostgreSQL `lock_timeout` (ms) for each migration's statements: `SET LOCAL` in an atomic
   * migration, `SET` + `RESET` around a non-atomic one. Default: the MIGRATION_TABLE_LOCK_TIMEOUT_MS
   * setting (10000); 0 or null waits forever. A statement that times out raises
   * {@link MigrationLockNotAvailable}.
   */
  lockTimeoutMs?: number | null
}

/** What a run did. */
export interface RunResult {
  readonly steps: readonly PlanStep[]
  /** Statements per migration (`app.name`), run or (dry-run) collected. */
  readonly statements: ReadonlyMap<string, readonly string[]>
}

/**
 * Migrates one alias.
 *
 * @example
 * ```ts
 * const executor = new MigrationExecutor(getConnection(), migrations)
 * await executor.run(await executor.plan())            // apply everything
 * await executor.run(await executor.plan('library', 'zero')) // roll the app back
 * ```
 */
export class MigrationExecutor {
  readonly connection: DatabaseConnection
  readonly graph: MigrationGraph
  readonly recorder: MigrationRecorder

  constructor(connection: DatabaseConnection, migrations: readonly Migration[]) {
    this.connection = connection
    this.graph = new MigrationGraph(migrations)
    this.recorder = new MigrationRecorder(connection)
  }

  /** `app.name` of the applied migrations. */
  applied(): Promise<Set<string>> {
    return this.recorder.applied()
  }

  /**
   * The steps that bring the database to `target` (`zero`, a full name, or a number prefix like
   * `0002`) of `app`, or to the latest migration of `app` (or of every app).
   */
  async plan(app?: string, target?: string): Promise<PlanStep[]> {
    const applied = await this.applied()
    if (app !== undefined && !this.graph.leaves().some((m) => m.app === app) && target !== 'zero') {
      const known = [...new Set([...this.graph.nodes.values()].map((m) => m.app))]
      throw new MigrationError(`App '${app}' has no migrations. Apps with migrations: ${known.join(', ') || '(none)'}.`)
    }
    if (target === undefined) {
      const leaves = this.graph.leaves().filter((m) => app === undefined || m.app === app)
      return this.graph
        .forwardsPlan(leaves)
        .filter((m) => !applied.has(migrationKey(m.app, m.name)))
        .map((migration) => ({ migration, backwards: false }))
    }
    const ofApp = [...this.graph.nodes.values()].filter((m) => m.app === app)
    if (target === 'zero') {
      const roots = ofApp.filter((m) => !m.dependencies.some(([depApp]) => depApp === app))
      return this.#backwards(roots, applied)
    }
    const padded = /^\d+$/.test(target) ? target.padStart(4, '0') : target
    const matches = ofApp.filter((m) => m.name === padded || m.name.startsWith(`${padded}_`))
    if (matches.length !== 1) {
      throw new MigrationError(
        `Migration '${target}' ${matches.length === 0 ? 'not found' : 'is ambiguous'} for app '${app}'. ` +
          `Available migrations: [${ofApp
            .map((m) => m.name)
            .sort()
            .join(', ')}].`,
      )
    }
    const goal = matches[0] as Migration
    if (!applied.has(migrationKey(goal.app, goal.name))) {
      return this.graph
        .forwardsPlan([goal])
        .filter((m) => !applied.has(migrationKey(m.app, m.name)))
        .map((migration) => ({ migration, backwards: false }))
    }
    // roll back everything of the app that came after the goal
    const children = ofApp.filter((m) => m.dependencies.some(([a, n]) => a === goal.app && n === goal.name))
    return this.#backwards(children, applied)
  }

  #backwards(roots: readonly Migration[], applied: Set<string>): PlanStep[] {
    const out: PlanStep[] = []
    const seen = new Set<string>()
    for (const root of roots) {
      for (const m of this.graph.backwardsPlan(root)) {
        const key = migrationKey(m.app, m.name)
        if (seen.has(key) || !applied.has(key)) continue
        seen.add(key)
        out.push({ migration: m, backwards: true })
      }
    }
    return out
  }

  /** The project state before `migration`. */
  stateBefore(migration: Migration): ProjectState {
    return this.graph.stateBefore(migration)
  }

  /** The state after every migration (what makemigrations compares the models with). */
  finalState(): ProjectState {
    return this.graph.finalState()
  }

  /** Runs a plan. */
  async run(steps: readonly PlanStep[], options: RunOptions = {}): Promise<RunResult> {
    const requested = options.lockTimeoutMs
    if (requested !== undefined && requested !== null && (!Number.isSafeInteger(requested) || requested < 0)) {
      throw new MigrationError(
        `lockTimeoutMs must be a whole number of milliseconds >= 0 (0 or null: no lock_timeout), got ${String(requested)}.`,
      )
    }
    const statements = new Map<string, string[]>()
    if (!options.dryRun) await this.recorder.ensureTable()
    for (const step of steps) {
      options.onStep?.(step, 'start')
      const editor = new SchemaEditor(this.connection, { collectOnly: options.dryRun === true })
      const ran = await this.#runStep(step, editor, options)
      statements.set(migrationKey(step.migration.app, step.migration.name), editor.statements)
      options.onStep?.(step, ran ? 'done' : 'skipped')
    }
    return { steps, statements }
  }

  /** Runs one step; false when a concurrent migrate already did it (SQLite/libsql). */
  async #runStep({ migration, backwards }: PlanStep, editor: SchemaEditor, options: RunOptions): Promise<boolean> {
    const { app, name } = migration
    if (!backwards) this.#checkConcurrently(migration)
    let skipped = false
    const body = async () => {
      // SQLite has no migrate lock: concurrent runs plan from the same recorder rows and then queue on
      // BEGIN IMMEDIATE. Holding the write lock, look again, so a step another run did is not redone.
      if (!options.dryRun && this.connection.vendor !== 'postgresql') {
        if ((await this.applied()).has(migrationKey(app, name)) !== backwards) {
          skipped = true
          return
        }
      }
      if (!options.fake) {
        if (backwards) await this.#unapply(migration, editor)
        else await this.#apply(migration, editor)
      }
      if (options.dryRun) return
      if (backwards) await this.recorder.recordUnapplied(app, name)
      else await this.recorder.recordApplied(app, name)
    }
    const timeoutMs = this.#lockTimeout(options)
    try {
      if (migration.atomic && !options.dryRun) {
        // SQLite rebuilds tables: enforcement off around the transaction, checked before commit
        await withForeignKeysOffChecked(this.connection, (checkBeforeCommit) =>
          atomic(
            async () => {
              if (timeoutMs !== null) await this.connection.execute(lockTimeoutStatement(timeoutMs, true))
              await body()
              await checkBeforeCommit()
            },
            { using: this.connection.alias },
          ),
        )
      } else if (timeoutMs !== null) {
        await withSessionPin(this.connection, async () => {
          await this.connection.execute(lockTimeoutStatement(timeoutMs, false))
          try {
            await body()
          } finally {
            await this.connection.execute('RESET lock_timeout').catch(() => {
              // the session is gone: nothing is left to reset
            })
          }
        })
      } else await body()
    } catch (err) {
      const locked = timeoutMs === null ? undefined : lockNotAvailableError(err)
      if (locked === undefined) throw err
      throw new MigrationLockNotAvailable(
        {
          migration: `${app}.${name}`,
          sql: locked.sql,
          table: lockedTable(locked.sql),
          timeoutMs: timeoutMs ?? undefined,
          atomic: migration.atomic,
        },
        err,
      )
    }
    if (skipped) {
      migrationsLogger.info(`skipped ${app}.${name}: another migrate ${backwards ? 'unapplied' : 'applied'} it`, {
        app,
        name,
        alias: this.connection.alias,
      })
      return false
    }
    if (!options.dryRun) {
      migrationsLogger.info(`${backwards ? 'unapplied' : 'applied'} ${app}.${name}${options.fake ? ' (fake)' : ''}`, {
        app,
        name,
        alias: this.connection.alias,
      })
    }
    return true
  }

  /** The lock_timeout for a step, or null when none is set (not PostgreSQL, dry-run, fake, disabled). */
  #lockTimeout(options: RunOptions): number | null {
    if (this.connection.vendor !== 'postgresql' || options.dryRun || options.fake) return null
    const ms = options.lockTimeoutMs === undefined ? migrationTableLockTimeoutMs() : options.lockTimeoutMs
    return ms === null || ms === 0 ? null : ms
  }

  #checkConcurrently(migration: Migration): void {
    if (!migration.atomic || this.connection.vendor !== 'postgresql') return
    const concurrent = migration.operations.find(
      (op) => (op instanceof AddIndex || op instanceof RemoveIndex) && op.concurrently,
    )
    if (concurrent !== undefined) {
      throw new MigrationError(
        `${migration.file}: ${concurrent.repr()} uses concurrently: true, which PostgreSQL cannot run inside a transaction. ` +
          'Set atomic: false on this migration (and keep the concurrent operation alone in it).',
      )
    }
  }

  async #apply(migration: Migration, editor: SchemaEditor): Promise<void> {
    let from = this.stateBefore(migration)
    for (const [index, op] of migration.operations.entries()) {
      const to = from.clone()
      op.stateForwards(migration.app, to)
      try {
        await op.databaseForwards({ app: migration.app, editor, from, to })
      } catch (err) {
        throw withFailedOperation(err, migration, index)
      }
      from = to
    }
  }

  async #unapply(migration: Migration, editor: SchemaEditor): Promise<void> {
    const states = [this.stateBefore(migration)]
    for (const op of migration.operations) {
      if (!op.reversible) {
        throw new MigrationError(
          `${migration.file}: ${op.repr()} is irreversible, so ${migration.app}.${migration.name} cannot be rolled back.`,
        )
      }
      const next = (states[states.length - 1] as ProjectState).clone()
      op.stateForwards(migration.app, next)
      states.push(next)
    }
    for (let i = migration.operations.length - 1; i >= 0; i--) {
      const op = migration.operations[i] as (typeof migration.operations)[number]
      try {
        await op.databaseBackwards({
          app: migration.app,
          editor,
          from: states[i + 1] as ProjectState,
          to: states[i] as ProjectState,
        })
      } catch (err) {
        throw withFailedOperation(err, migration, i)
      }
    }
  }
}
