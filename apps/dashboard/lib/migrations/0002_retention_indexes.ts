import { Index } from '@dorm/engine'
import { AddIndex, migration } from '@dorm/engine/migrations'

// the sample tables are live while the dashboard ingests: build the indexes without blocking writes
export default migration({
  dependencies: [['dashboard', '0001_initial']],
  atomic: false,
  operations: [
    new AddIndex({
      modelName: 'healthsample',
      index: new Index({ fields: ['at'], name: 'dashboard_health_at_idx' }),
      concurrently: true,
    }),
    new AddIndex({
      modelName: 'slowquery',
      index: new Index({ fields: ['at'], name: 'dashboard_slow_at_idx' }),
      concurrently: true,
    }),
    new AddIndex({
      modelName: 'requestsample',
      index: new Index({ fields: ['at'], name: 'dashboard_request_at_idx' }),
      concurrently: true,
    }),
    new AddIndex({
      modelName: 'eventrecord',
      index: new Index({ fields: ['at'], name: 'dashboard_event_at_idx' }),
      concurrently: true,
    }),
  ],
})
