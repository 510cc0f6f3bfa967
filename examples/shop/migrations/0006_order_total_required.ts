import { IntegerField } from '@dorm/engine'
import { AlterField, migration, RemoveConstraint } from '@dorm/engine/migrations'

// Contract, step 3 (DORM-M013): the validated CHECK proves there is no NULL, so PostgreSQL 12+
// sets NOT NULL without scanning; the CHECK has done its job and goes.
export default migration({
  dependencies: [['shop', '0005_validate_order_total_check']],
  operations: [
    new AlterField({ modelName: 'order', name: 'totalCents', field: new IntegerField() }),
    new RemoveConstraint({ modelName: 'order', name: 'shop_order_total_not_null' }),
  ],
})
