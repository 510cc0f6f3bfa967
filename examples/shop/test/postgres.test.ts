/** The endpoints on PostgreSQL: a database of its own, REPLICA_URL on the same one (lag-aware router). */
import { inject } from 'vitest'
import { shopEndpointSuite } from './support/endpoint-suite.js'
import { postgresEnv } from './support/shop-process.js'

// skipped when DORM_TEST_BACKENDS leaves postgres out
shopEndpointSuite('postgresql', () => postgresEnv(inject('pgUrl'), inject('sqliteDir')), inject('pgUrl') !== '')
