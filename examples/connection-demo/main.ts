/**
 * `npm start`: dorm's connection layer on an embedded SQLite file, no server needed.
 * Shows the health check, pool stats, the query signals, the DEBUG query log with redaction and a
 * slow-query warning. Later issues turn this into the full demo app.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  addLogSink,
  atomic,
  closeAll,
  configure,
  getConnection,
  healthCheck,
  poolStats,
  postQuery,
  setLogLevel,
} from '../../packages/engine/src/index.js'

const dir = resolve(process.env.DORM_DEMO_DIR ?? '.dorm-demo')
mkdirSync(dir, { recursive: true })
const file = resolve(dir, 'demo.sqlite3')

configure({
  DATABASES: { default: `sqlite:///${file}` },
  SLOW_QUERY_MS: 25,
})

// every dorm log record at INFO and above, printed with its logger name
setLogLevel('dorm', 'INFO')
setLogLevel('dorm.queries', 'DEBUG')
addLogSink((r) => console.log(`  [${r.level} ${r.logger}] ${r.message}`))

let statements = 0
postQuery.connect(() => {
  statements++
})

const db = getConnection()
console.log(`dorm connection demo on ${file}\n`)

console.log('1. schema and data (inside atomic())')
await db.execute('DROP TABLE IF EXISTS accounts')
await db.execute('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, api_key TEXT)')
await atomic(async () => {
  for (const [name, key] of [
    ['ada', 'key-ada-123'],
    ['grace', 'key-grace-456'],
  ]) {
    await db.execute('INSERT INTO accounts (name, api_key) VALUES (?, ?)', [name, key])
  }
})
const { rows } = await db.execute('SELECT id, name FROM accounts ORDER BY id')
console.log('   rows:', JSON.stringify(rows))

console.log('\n2. a slow query (SLOW_QUERY_MS = 25)')
await db.execute(
  'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 400000) SELECT sum(n) AS total FROM s',
)

console.log('\n3. health check (deep)')
setLogLevel('dorm.queries', null)
console.log(JSON.stringify(await healthCheck({ deep: true }), null, 2))

console.log('\n4. pool stats')
console.log('   poolStats():', JSON.stringify(poolStats()))
console.log('   getConnection().poolStats():', JSON.stringify(db.poolStats()))
console.log(`\n${statements} statements went through the query pipeline.`)

await closeAll()
