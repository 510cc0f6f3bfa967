#!/usr/bin/env node
/**
 * Runs the Action through GitHub's own `@github/local-action` (7.0.1), fetched with npx on demand
 * because it pulls about 330 MB: it is not a dependency of this workspace.
 *
 * Usage: `node scripts/local-action.mjs <env file>` (the env file sets INPUT_* and GITHUB_* like
 * the runner; see `.env.example` in local-action's README). Exits with local-action's exit code.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
// local-action wants the folder holding action.yml: the repository root
const repoRoot = resolve(packageDir, '../..')

/** The pinned local-action release. */
export const LOCAL_ACTION = '@github/local-action@7.0.1'

/**
 * Runs `npx --yes @github/local-action@7.0.1 run <repo root> packages/action/src/main.ts <env file>`
 * from the package directory and resolves with its exit code and output.
 *
 * @example
 * ```js
 * const { code, output } = await runLocalAction('/tmp/action.env')
 * ```
 * @param {string} envFile
 * @param {{ echo?: boolean }} [options]
 * @returns {Promise<{ code: number, output: string }>}
 */
export function runLocalAction(envFile, options = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(
      'npx',
      ['--yes', LOCAL_ACTION, 'run', repoRoot, 'packages/action/src/main.ts', resolve(envFile)],
      {
        cwd: packageDir,
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    const collect = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString('utf8')
      if (options.echo) process.stdout.write(chunk)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', (error) => resolveRun({ code: 1, output: `${output}\n${error.message}` }))
    child.on('close', (code) => resolveRun({ code: code ?? 1, output }))
  })
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const envFile = process.argv[2]
  if (envFile === undefined) {
    console.error('Usage: node scripts/local-action.mjs <env file with INPUT_* and GITHUB_* variables>')
    process.exit(2)
  }
  const { code } = await runLocalAction(envFile, { echo: true })
  process.exit(code)
}
