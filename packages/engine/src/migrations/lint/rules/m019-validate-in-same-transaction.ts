/**
 * DORM-M019: VALIDATE CONSTRAINT in the same transaction as the ADD ... NOT VALID that created the
 * constraint. NOT VALID exists to keep the strong lock short, but a transaction keeps every lock
 * until it ends, so the ADD's lock is held through the whole validation scan anyway.
 */
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'
import {
  addedConstraint,
  alterTable,
  earlierSql,
  identifierPattern,
  inTransaction,
  statementsBefore,
  tableOf,
} from './sql-helpers.js'

interface ConstraintOperation {
  readonly kind: string
  readonly modelName?: string
  readonly name?: string
  readonly notValid?: boolean
  readonly constraint?: { readonly name: string }
}

/** Whether an earlier operation of this atomic migration added `name` NOT VALID (AddConstraint or RunSQL). */
function addedNotValidEarlierInTransaction(ctx: OperationContext, name: string): boolean {
  if (!ctx.migration.atomic) return false
  const earlier = ctx.migration.operations.slice(0, ctx.index) as unknown as ConstraintOperation[]
  const byOperation = earlier.some(
    (op) => op.kind === 'AddConstraint' && op.notValid === true && op.constraint?.name === name,
  )
  return byOperation || addedNotValidBefore(earlierSql(ctx), name)
}

function hit(table: string, name: string, help: string): RuleHit {
  return {
    message:
      `VALIDATE CONSTRAINT ${name} on '${table}' runs in the same transaction as the ADD ... NOT VALID ` +
      'that created it: the ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE (foreign key) lock of the ADD is ' +
      'held until commit, through the whole validation scan, so NOT VALID gains nothing.',
    help,
  }
}

/** Whether earlier SQL of this transaction added `name` with NOT VALID. */
function addedNotValidBefore(sqls: readonly string[], name: string): boolean {
  const adds = new RegExp(`add\\s+constraint\\s+${identifierPattern(name)}`, 'i')
  return sqls.some((sql) => sql.split(';').some((part) => adds.test(part) && /\bnot\s+valid\b/i.test(part)))
}

/**
 * A ValidateConstraint operation or raw `ALTER TABLE ... VALIDATE CONSTRAINT c` when `c` was added
 * NOT VALID (AddConstraint `notValid: true`, or RunSQL) earlier in the same transaction.
 *
 * @example
 * ```ts
 * await runRule(validateInSameTransaction, { history, operations: [new RunSQL({ sql: ['... NOT VALID', '... VALIDATE CONSTRAINT ck'] })] })
 * ```
 */
export const validateInSameTransaction: LintRule = {
  code: 'DORM-M019',
  name: 'validate-in-same-transaction',
  severity: 'warning',
  summary: 'VALIDATE CONSTRAINT in the same transaction as its NOT VALID: the strong lock is held during the scan',
  checkOperation(ctx) {
    if (ctx.operation.kind !== 'ValidateConstraint') return []
    const op = ctx.operation as unknown as ConstraintOperation
    if (op.name === undefined || !addedNotValidEarlierInTransaction(ctx, op.name)) return []
    const table = tableOf(ctx.before, ctx.migration.app, op.modelName ?? '') ?? op.modelName ?? '?'
    return [
      hit(
        table,
        op.name,
        `Move the ValidateConstraint to a later migration (its own file), so the NOT VALID add commits first and ` +
          'the validation scan runs under SHARE UPDATE EXCLUSIVE only.',
      ),
    ]
  },
  checkStatement(ctx, statement, all) {
    const alter = alterTable(statement)
    if (alter === undefined || !inTransaction(ctx, statement)) return []
    const earlier = statementsBefore(statement, all)
    const hits: RuleHit[] = []
    for (const cmd of alter.cmds) {
      if (cmd.subtype !== 'AT_ValidateConstraint' || cmd.name === undefined) continue
      const name = cmd.name
      const inThisRunSql = earlier.some((s) =>
        (alterTable(s)?.cmds ?? []).some((c) => {
          const added = addedConstraint(c)
          return added?.conname === name && added.skip_validation === true
        }),
      )
      // an earlier operation shares the transaction only when the migration is atomic
      if (!inThisRunSql && !addedNotValidEarlierInTransaction(ctx, name)) continue
      hits.push(
        hit(
          alter.table,
          name,
          `Move the VALIDATE to a later migration (its own file: RunSQL('ALTER TABLE ${alter.table} VALIDATE ` +
            `CONSTRAINT ${name}') or a ValidateConstraint), or make this migration atomic: false with each ` +
            'statement in its own SQL string.',
        ),
      )
    }
    return hits
  },
}
