#!/usr/bin/env node
/**
 * `npm start [-- args]`: installs dependencies when needed, then runs the connection demo
 * (`examples/connection-demo/main.ts`) through tsx, forwarding the arguments and the exit code.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ensureDeps, repoRoot } from './ensure-deps.mjs'

const entry = 'examples/connection-demo/main.ts'

ensureDeps({ quiet: true })
if (!existsSync(join(repoRoot, entry))) {
  console.error(`[start] ${entry} does not exist yet: nothing to start`)
  process.exit(1)
}
const child = spawn('npx', ['tsx', entry, ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' })
for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => child.kill(signal))
}
child.on('error', (error) => {
  console.error(`[start] could not run tsx: ${error.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1))
})
