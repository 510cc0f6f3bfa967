#!/usr/bin/env node
/**
 * The `dorm` executable: runs {@link main} on the process's arguments and streams, then leaves
 * the exit code in `process.exitCode` so pending output is flushed before Node exits.
 *
 * @example
 * ```ts
 * // $ npx dorm health --deep                          (installed: bin/dorm.js runs dist/cli/bin.js)
 * // $ node --import tsx src/cli/bin.ts health         (in the repo, no build)
 * ```
 */
import type { CliIo } from './command.js'
import { main } from './main.js'

// `dorm showmigrations | head` closes stdout early; that is the reader's choice, not our failure
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
})

const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(text)
  },
  stderr: (text) => {
    process.stderr.write(text)
  },
  cwd: process.cwd(),
  env: process.env,
}

process.exitCode = await main(process.argv.slice(2), processIo)
