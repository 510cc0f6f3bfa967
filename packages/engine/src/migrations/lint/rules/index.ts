/**
 * Every lint rule, in code order: the order `--rule` validates against, SARIF lists rules in and
 * one operation's findings are reported in.
 */
import type { LintRule } from '../lint-rule.js'
import { importError } from './m000-import-error.js'
import { addFieldWithDefault } from './m001-add-field-with-default.js'
import { alterFieldRewrite } from './m002-alter-field-rewrite.js'
import { addIndexWithoutConcurrently } from './m003-add-index-without-concurrently.js'
import { runCodeWithoutReverse } from './m004-run-code-without-reverse.js'
import { irreversibleOperation } from './m005-irreversible-operation.js'
import { destructiveRunSql } from './m006-destructive-run-sql.js'
import { removeField } from './m007-remove-field.js'
import { renameField } from './m008-rename-field.js'
import { deleteModel } from './m009-delete-model.js'
import { renameModel } from './m010-rename-model.js'
import { foreignKeyNotValid } from './m011-foreign-key-not-valid.js'
import { checkNotValid } from './m012-check-not-valid.js'
import { setNotNull } from './m013-set-not-null.js'
import { uniqueWithoutIndex } from './m014-unique-without-index.js'
import { addPrimaryKey } from './m015-add-primary-key.js'
import { concurrentlyInAtomic } from './m016-concurrently-in-atomic.js'
import { volatileDefault } from './m017-volatile-default.js'
import { requiredField } from './m018-required-field.js'
import { validateInSameTransaction } from './m019-validate-in-same-transaction.js'
import { indexUnderExclusiveLock } from './m020-index-under-exclusive-lock.js'
import { dropIndexNotConcurrently } from './m021-drop-index-not-concurrently.js'
import { columnTypeRewrite } from './m022-column-type-rewrite.js'
import { lockTimeoutDisabled } from './m023-lock-timeout-disabled.js'
import { unusedSuppression } from './m098-unused-suppression.js'
import { unparsableSql } from './m099-unparsable-sql.js'

/**
 * The registered rules. DORM-M000, M098 and M099 have no checks: the linter reports them itself
 * (a file that failed to load, a stale `// noqa`, SQL the parser refused).
 *
 * @example
 * ```ts
 * RULES.map((rule) => rule.code) // ['DORM-M000', 'DORM-M001', ...]
 * ```
 */
export const RULES: readonly LintRule[] = [
  importError,
  addFieldWithDefault,
  alterFieldRewrite,
  addIndexWithoutConcurrently,
  runCodeWithoutReverse,
  irreversibleOperation,
  destructiveRunSql,
  removeField,
  renameField,
  deleteModel,
  renameModel,
  foreignKeyNotValid,
  checkNotValid,
  setNotNull,
  uniqueWithoutIndex,
  addPrimaryKey,
  concurrentlyInAtomic,
  volatileDefault,
  requiredField,
  validateInSameTransaction,
  indexUnderExclusiveLock,
  dropIndexNotConcurrently,
  columnTypeRewrite,
  lockTimeoutDisabled,
  unusedSuppression,
  unparsableSql,
]
