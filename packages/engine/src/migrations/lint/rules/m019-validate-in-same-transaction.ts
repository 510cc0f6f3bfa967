/**
 * DORM-M019: VALIDATE CONSTRAINT in the same transaction as the ADD ... NOT VALID that created the
 * constraint. NOT VALID exists to keep the strong lock short, but a transaction keeps every lock
 * until it ends, so the ADD's lock is held through the whole validation scan anyway.
 */
import type { LintRule, RuleHit } from '../lint-rule.js'
import {
  addedConstraint,
  alterTable,
  earlierSql,
  identifierPattern,
  inTransaction,
  statementsBefore,
} from './sql-helpers.js'

/** Whether earlier SQL of this transaction added `name` with NOT VALID. */
function addedNotValidBefore(sqls: readonly string[], name: string): boolean {
  const adds = new RegExp(`add\\s+constraint\\s+${identifierPattern(name)}`, 'i')
  return sqls.some((sql) => sql.split(';').some((part) => adds.test(part) && /\bnot\s+valid\b/i.test(part)))
}

/**
 * Raw `ALTER TABLE ... VALIDATE CONSTRAINT c` when `c` was added NOT VALID earlier in the same transaction.
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
      // an earlier RunSQL shares the transaction only when the migration is atomic
      const inEarlierRunSql = ctx.migration.atomic && addedNotValidBefore(earlierSql(ctx), name)
      if (!inThisRunSql && !inEarlierRunSql) continue
      hits.push({
        message:
          `VALIDATE CONSTRAINT ${name} on '${alter.table}' runs in the same transaction as the ADD ... NOT VALID ` +
          'that created it: the ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE (foreign key) lock of the ADD is ' +
          'held until commit, through the whole validation scan, so NOT VALID gains nothing.',
        help:
          `Move the VALIDATE to a later migration (its own file: RunSQL('ALTER TABLE ${alter.table} VALIDATE ` +
          `CONSTRAINT ${name}')), or make this migration atomic: false with each statement in its own SQL string.`,
      })
    }
    return hits
  },
}
