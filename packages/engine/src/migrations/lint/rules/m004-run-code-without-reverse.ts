/** DORM-M004: RunCode without `reverseCode`. */
import type { RunCode } from '../../operations/special-operations.js'
import type { LintRule, OperationContext, RuleHit } from '../lint-rule.js'

/**
 * DORM-M004 (the seed's RunPython rule: RunCode is dorm's RunPython).
 *
 * @example
 * ```ts
 * // fires: new RunCode({ code: async (ctx) => { ... } })
 * // fine:  new RunCode({ code: async (ctx) => { ... }, reverseCode: RunCode.noop })
 * ```
 */
export const runCodeWithoutReverse: LintRule = {
  code: 'DORM-M004',
  name: 'run-code-without-reverse',
  severity: 'warning',
  summary: 'RunCode without reverseCode makes the migration irreversible',
  checkOperation(ctx: OperationContext): readonly RuleHit[] {
    if (ctx.operation.kind !== 'RunCode' || (ctx.operation as RunCode).reverseCode !== undefined) return []
    return [
      {
        message:
          `RunCode without reverseCode is irreversible — \`dorm migrate ${ctx.migration.app} <previous>\` will refuse ` +
          `to roll back past ${ctx.migration.name}.`,
        help:
          'Pass reverseCode: a function that undoes the change, or RunCode.noop when undoing it is intentionally ' +
          'a no-op.',
      },
    ]
  },
}
