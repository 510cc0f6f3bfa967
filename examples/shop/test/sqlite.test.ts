/** The endpoints on SQLite: primary file, replica file refreshed by the replication task. */
import { inject } from 'vitest'
import { shopEndpointSuite } from './support/endpoint-suite.js'
import { sqliteEnv } from './support/shop-process.js'

shopEndpointSuite('sqlite', () => sqliteEnv(inject('sqliteDir')))
