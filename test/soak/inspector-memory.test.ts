/**
 * The soak's retained-memory reading: a child started with `inspect: true` is found by its pid
 * among the inspector addresses it printed, a reading collects its garbage (what it keeps stays,
 * what it dropped goes), and the child still ends by itself afterwards (no session is left open
 * for it to wait on).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { connectInspector } from './support/inspector-memory.js'
import { startSoakProcess } from './support/soak-process.js'

let dir: string | undefined
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

// keeps 400,000 small objects (tens of MB), makes 200,000 more of garbage every 100 ms, ends after 8 s
const CHILD = `
const make = (n) => Array.from({ length: n }, (_, i) => ({ n: i, text: 'row ' + i }))
globalThis.kept = make(400000)
let made = 0
const churn = setInterval(() => { made += make(200000).length }, 100)
setTimeout(() => { clearInterval(churn); console.log('done') }, 8000)
console.log('ready')
`

test('reads the memory a process retains after a full collection, and lets it end', async () => {
  dir = await mkdtemp(join(tmpdir(), 'dorm-inspector-'))
  const child = startSoakProcess({
    name: 'child',
    args: ['-e', CHILD],
    cwd: dir,
    env: process.env,
    logFile: join(dir, 'child.log'),
    inspect: true,
  })
  try {
    expect(await child.firstStdoutLine).toBe('ready')
    await expect(connectInspector(child.inspectorUrls, child.pid + 100_000, 1000)).rejects.toThrow(
      /no inspector of pid \d+ among 1 address\(es\)/,
    )
    const inspector = await connectInspector(child.inspectorUrls, child.pid)
    const memory = await inspector.memoryAfterGc()
    // what it keeps is there, and at most a little of the garbage (the batch being built)
    expect(memory.heapUsedMb).toBeGreaterThan(20)
    expect(memory.heapUsedMb).toBeLessThan(60)
    expect(memory.rssMb).toBeGreaterThan(memory.heapUsedMb)
    expect(await child.exited).toEqual({ code: 0, signal: null })
  } finally {
    await child.stop()
  }
}, 60_000)
