/**
 * The whole linter on a realistic project: three apps (accounts, catalog, orders; orders depends on
 * both others) and 42 migrations written the way a team writes them over months. The expected list
 * is a senior PostgreSQL reviewer's: every risky change once, with its code, and nothing on the safe
 * ones (nullable AddField, concurrent AddIndex in atomic: false migrations, varchar widening,
 * reversible backfills, NOT VALID + VALIDATE in separate migrations and the SET NOT NULL they make
 * scan-free, accepted `// noqa`).
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lintMigrations, listMigrationFiles } from '../../../src/migrations/lint/linter.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '../../fixtures/lint-project')
const apps = ['accounts', 'catalog', 'orders'].map((label) => ({
  label,
  migrationsDir: join(root, 'src', label, 'migrations'),
}))

const accounts = 'src/accounts/migrations'
const catalog = 'src/catalog/migrations'
const orders = 'src/orders/migrations'

const expected = [
  // NOT NULL + default on the users table: inserts of the running release fail once dorm drops the default
  `DORM-M001 ${accounts}/0005_user_is_active.ts:7 AddField(name='is_active', model_name='user')`,
  // nothing on 0010_country_not_null: the CHECK (country IS NOT NULL) validated in 0009 spares the scan
  `DORM-M008 ${accounts}/0011_address_street.ts:6 RenameField(model_name='address', oldName='line1', newName='street')`,
  // DORM-M006 (not also M005): the destructive RunSQL cannot be rolled back
  `DORM-M006 ${accounts}/0012_drop_legacy_newsletter.ts:6 RunSQL`,
  `DORM-M007 ${accounts}/0012_drop_legacy_newsletter.ts:6 RunSQL`,
  `DORM-M016 ${accounts}/0013_user_email_lower_index.ts:8 RunSQL`,
  `DORM-M014 ${catalog}/0005_category_slug_unique.ts:8 AddConstraint(model_name='category')`,
  `DORM-M003 ${catalog}/0006_product_price_index.ts:8 AddIndex(model_name='product')`,
  `DORM-M002 ${catalog}/0007_product_stock_bigint.ts:7 AlterField(name='stock', model_name='product')`,
  `DORM-M004 ${catalog}/0009_backfill_weight.ts:7 RunCode`,
  // SET NOT NULL is DORM-M013's alone (M002 reports rewrites, not this scan)
  `DORM-M013 ${catalog}/0012_product_barcode_not_null.ts:7 AlterField(name='barcode', model_name='product')`,
  `DORM-M021 ${catalog}/0013_drop_price_index.ts:6 RemoveIndex(name='catalog_product_price_idx', model_name='product')`,
  // the stale `// noqa: DORM-M001` on a nullable AddField
  `DORM-M098 ${orders}/0002_order_gift_message.ts:7 AddField(name='gift_message', model_name='order')`,
  `DORM-M011 ${orders}/0004_order_shipping_address.ts:11 AddField(name='shipping_address', model_name='order')`,
  `DORM-M019 ${orders}/0006_orderline_quantity_check.ts:10 RunSQL`,
  `DORM-M021 ${orders}/0009_drop_legacy_line_index.ts:11 RunSQL`,
  // SET LOCAL lock_timeout = '30s' in 0015 is a deliberate finite wait; 0 in 0016 is "wait forever"
  `DORM-M023 ${orders}/0016_orderline_unit_price_default.ts:8 RunSQL`,
]

describe('lintMigrations on a realistic three-app project', () => {
  it('flags every risky change once, with the right code, and nothing else', async () => {
    const files = listMigrationFiles(apps)
    expect(files).toHaveLength(42)
    const findings = await lintMigrations(files, {
      repoRoot: root,
      target: { vendor: 'postgresql', postgresVersion: 15 },
    })
    expect(findings.map((f) => `${f.code} ${f.file}:${f.line} ${f.operation}`)).toEqual(expected)
  })
})
