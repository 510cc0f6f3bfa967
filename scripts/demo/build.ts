/**
 * The build step: `turbo run build --filter=@dorm/dashboard...` (the engine, then the dashboard's
 * production build), cached by turbo when nothing changed. When the dashboard's `.next` is already
 * newer than every source it is built from (e.g. built by `next build` directly, which turbo's cache
 * does not know about), only the engine goes through turbo, so a server running from that `.next`
 * is never rebuilt under its feet.
 *
 * @example
 * ```ts
 * const outcome = await buildAll({ logFile: '/tmp/demo/logs/build.log' })
 * console.log(outcome.detail) // 'engine + dashboard: 2 cached'
 * ```
 */
import { join } from 'node:path'
import { dashboardBuildIsFresh } from '../dashboard-build-freshness.mjs'
import { REPO_ROOT } from './paths.js'
import { runToEnd } from './processes.js'
import { StepFailure } from './steps.js'

/**
 * Runs the build through turbo. Throws a {@link StepFailure} naming the failing package.
 *
 * @example
 * ```ts
 * await buildAll({ logFile, signal })
 * ```
 */
export async function buildAll(options: { logFile: string; signal?: AbortSignal }): Promise<{ detail: string }> {
  const dashboardFresh = dashboardBuildIsFresh()
  const filter = dashboardFresh ? '@dorm/engine' : '@dorm/dashboard...'
  const turbo = join(REPO_ROOT, 'node_modules', '.bin', 'turbo')
  const result = await runToEnd(
    {
      name: 'build',
      command: turbo,
      args: ['run', 'build', `--filter=${filter}`, '--output-logs=errors-only'],
      cwd: REPO_ROOT,
      env: { NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
      logFile: options.logFile,
    },
    options.signal,
  )
  if (result.code !== 0) {
    const failed = /(@dorm\/[\w-]+)#build/.exec(result.output)?.[1] ?? 'a package'
    throw new StepFailure(
      `the build of ${failed} failed (turbo exited with ${result.code ?? result.signal}).`,
      `Fix the error shown below, then run npm start again (or build by hand: npx turbo run build --filter=${filter}).`,
      { logFile: options.logFile, details: result.output.split('\n').slice(-25).join('\n') },
    )
  }
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(result.output)
  const counts = cached ? `${cached[1]} of ${cached[2]} tasks cached` : 'done'
  return {
    detail: dashboardFresh ? `engine: ${counts}; dashboard .next is up to date` : `engine + dashboard: ${counts}`,
  }
}
