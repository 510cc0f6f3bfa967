/**
 * The stores the dashboard's tests run on, from `DORM_TEST_BACKENDS` (comma-separated; the
 * dashboard supports `postgres` and `sqlite`, other names such as `libsql` are ignored here).
 * Free of vitest imports: the global setup uses it too.
 */

/** A store the API tests loop over. */
export type DashboardBackend = 'postgres' | 'sqlite'

/**
 * The backends of this run, in the order tests run them; default both.
 *
 * @example
 * ```ts
 * dashboardTestBackends('sqlite,libsql') // ['sqlite']
 * ```
 */
export function dashboardTestBackends(value: string | undefined = process.env.DORM_TEST_BACKENDS): DashboardBackend[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0)
  if (names.length === 0) return ['postgres', 'sqlite']
  return (['postgres', 'sqlite'] as const).filter((name) => names.includes(name))
}
