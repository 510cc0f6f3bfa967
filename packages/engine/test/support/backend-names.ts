/**
 * The backends a test run covers, from `DORM_TEST_BACKENDS` (comma-separated; default all three).
 * Kept free of vitest imports so the global setup (which runs outside the test workers) can use it.
 */

/** A database backend the conformance tests loop over. */
export type TestBackend = 'postgres' | 'sqlite' | 'libsql'

/** Every backend, in the order tests run them. */
export const ALL_TEST_BACKENDS: readonly TestBackend[] = ['postgres', 'sqlite', 'libsql']

/**
 * Parses a `DORM_TEST_BACKENDS` value; empty or unset means all. Throws on an unknown name so a typo
 * does not silently skip a backend.
 *
 * @example
 * ```ts
 * parseTestBackends('sqlite, libsql') // ['sqlite', 'libsql']
 * ```
 */
export function parseTestBackends(value: string | undefined = process.env.DORM_TEST_BACKENDS): TestBackend[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0)
  if (names.length === 0) return [...ALL_TEST_BACKENDS]
  const unknown = names.filter((name) => !(ALL_TEST_BACKENDS as readonly string[]).includes(name))
  if (unknown.length > 0) {
    throw new Error(
      `DORM_TEST_BACKENDS has unknown backend(s) ${unknown.join(', ')}; use a comma-separated subset of ${ALL_TEST_BACKENDS.join(',')}`,
    )
  }
  return ALL_TEST_BACKENDS.filter((backend) => names.includes(backend))
}
