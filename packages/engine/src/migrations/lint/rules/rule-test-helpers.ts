/**
 * Test support for the rules: replays a history into project states, builds the contexts the
 * linter would, parses RunSQL with PostgreSQL's parser, and runs one rule over one migration. It
 * mirrors the linter closely enough for a rule's own tests, without files or reporters.
 */
import { type Migration, migration } from '../../migration.js'
import { modelKey, ProjectState } from '../../migration-state.js'
import type { Operation } from '../../operations/operation.js'
import type { LintRule, LintTarget, OperationContext, RuleHit } from '../lint-rule.js'
import { splitSql } from '../sql-statements.js'

/** What {@link runRule} lints. */
export interface RuleFixture {
  /** Operations of the migrations already applied (one migration `0001_x`, replayed into the state, not linted). */
  readonly history?: readonly Operation[]
  /** The linted migration's operations. */
  readonly operations: readonly Operation[]
  readonly atomic?: boolean
  readonly app?: string
  readonly target?: Partial<LintTarget>
}

/**
 * Runs `rule` over one migration built from `fixture` and returns every hit, in order.
 *
 * @example
 * ```ts
 * const hits = await runRule(removeField, {
 *   history: [new CreateModel({ name: 'Order', fields: { note: new TextField() } })],
 *   operations: [new RemoveField({ modelName: 'order', name: 'note' })],
 * })
 * ```
 */
export async function runRule(rule: LintRule, fixture: RuleFixture): Promise<RuleHit[]> {
  const app = fixture.app ?? 'x'
  const linted: Migration = {
    ...migration({ operations: fixture.operations, atomic: fixture.atomic ?? true }),
    app,
    name: '0002_y',
    file: `/p/${app}/migrations/0002_y.ts`,
  }
  const target: LintTarget = { vendor: 'postgresql', postgresVersion: 15, ...fixture.target }
  const state = new ProjectState()
  const history: Migration[] = [
    {
      ...migration({ operations: fixture.history ?? [] }),
      app,
      name: '0001_x',
      file: `/p/${app}/migrations/0001_x.ts`,
    },
  ]
  for (const op of fixture.history ?? []) op.stateForwards(app, state)
  const createdHere = new Set<string>()
  const hits: RuleHit[] = []
  for (const [index, operation] of linted.operations.entries()) {
    const before = state.clone()
    operation.stateForwards(app, state)
    const context: OperationContext = {
      migration: linted,
      target,
      operation,
      index,
      before,
      after: state.clone(),
      createdHere: new Set(createdHere),
      history,
    }
    hits.push(...(rule.checkOperation?.(context) ?? []))
    if (operation.kind === 'RunSQL' && rule.checkStatement !== undefined) {
      const { statements, errors } = await splitSql((operation as unknown as { sql: string[] }).sql)
      if (errors.length > 0) throw new Error(`fixture SQL does not parse: ${errors[0]?.message}`)
      for (const statement of statements) hits.push(...rule.checkStatement(context, statement, statements))
    }
    if (operation.kind === 'CreateModel')
      createdHere.add(modelKey(app, (operation as unknown as { name: string }).name))
  }
  hits.push(...(rule.checkMigration?.(linted, target) ?? []))
  return hits
}
