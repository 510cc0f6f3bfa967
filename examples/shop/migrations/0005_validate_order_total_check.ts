import { migration, ValidateConstraint } from '@dorm/engine/migrations'

// Contract, step 2 (DORM-M013): VALIDATE scans under SHARE UPDATE EXCLUSIVE, reads and writes go on.
export default migration({
  dependencies: [['shop', '0004_order_total_not_null_check']],
  operations: [new ValidateConstraint({ modelName: 'order', name: 'shop_order_total_not_null' })],
})
