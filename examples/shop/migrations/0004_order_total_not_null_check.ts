import { CheckConstraint } from '@dorm/engine'
import { AddConstraint, migration } from '@dorm/engine/migrations'

// Contract, step 1 (DORM-M013): a CHECK added NOT VALID takes a brief lock and checks only new and
// updated rows; the existing ones were backfilled by 0003.
export default migration({
  dependencies: [['shop', '0003_backfill_order_total']],
  operations: [
    new AddConstraint({
      modelName: 'order',
      constraint: new CheckConstraint({ check: 'total_cents IS NOT NULL', name: 'shop_order_total_not_null' }),
      notValid: true,
    }),
  ],
})
