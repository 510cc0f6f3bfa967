/**
 * Cold start of one contender, run as a fresh process by the orchestrator: import the contender's
 * library, connect, read one row; prints the milliseconds since the process started.
 */
import { performance } from 'node:perf_hooks'
import { contenderInfo } from '../contenders/registry.js'

const [name, pgUrl, sqlitePath] = process.argv.slice(2)
if (!name || pgUrl === undefined || sqlitePath === undefined) {
  console.error('usage: cold-start.ts <contender> <pg url> <sqlite path> (started by bench/run-all.ts)')
  process.exit(2)
}
const contender = await contenderInfo(name).create({ pgUrl, sqlitePath, poolMax: 10 })
const row = await contender.pointRead?.(1)
const elapsed = performance.now()
await contender.close()
console.log(JSON.stringify({ ms: elapsed, ok: row !== undefined }))
process.exit(0)
