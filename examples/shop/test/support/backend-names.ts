/**
 * The databases the shop's tests run on, from `DORM_TEST_BACKENDS` (comma-separated; the shop
 * runs on `postgres` and `sqlite`, other names such as `libsql` are ignored). Free of vitest
 * imports: the global setup uses it too.
 *
 * @example
 * ```ts
 * shopTestBackends('sqlite,libsql') // ['sqlite']
 * ```
 */

/** A database the tests can run the shop on. */
export type ShopBackend = 'postgres' | 'sqlite'

/** The backends of this run; default both. */
export function shopTestBackends(value: string | undefined = process.env.DORM_TEST_BACKENDS): ShopBackend[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0)
  if (names.length === 0) return ['postgres', 'sqlite']
  return (['postgres', 'sqlite'] as const).filter((name) => names.includes(name))
}
