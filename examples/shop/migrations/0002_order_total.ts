import { IntegerField } from '@dorm/engine'
import { AddField, migration } from '@dorm/engine/migrations'

export default migration({
  dependencies: [['shop', '0001_initial']],
  operations: [new AddField({ modelName: 'order', name: 'totalCents', field: new IntegerField({ null: true }) })],
})
