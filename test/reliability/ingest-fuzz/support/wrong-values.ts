/**
 * Schema-driven wrong values: every field of a valid payload (found by walking it, nested objects
 * and arrays included) replaced in turn by values of other types and out-of-range values, keeping
 * only the replacements the shared zod schema refuses, so each one is truly invalid.
 *
 * @example
 * ```ts
 * const cases = wrongValueMutations(sampleDeployReport({ ... }), (body) => !deployReportSchema.safeParse(body).success)
 * cases[0] // { path: 'status', wrong: null, body: { ..., status: null } }
 * ```
 */

/** One field of a payload replaced by a value the schema refuses. */
export interface WrongValueMutation {
  /** The field, as the dashboard names it (`lint.findings[0].line`). */
  path: string
  wrong: unknown
  body: Record<string, unknown>
}

/** Candidates tried in every field: every JSON type, empty and oversized values, out-of-range numbers. */
export const WRONG_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e300,
  '',
  'not-the-right-thing',
  'x'.repeat(5000),
  [],
  [1, 'two', null],
  {},
  { nested: { deeper: [] } },
]

type Segment = string | number

function formatPath(path: readonly Segment[]): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`
  return out
}

function fieldPaths(value: unknown, prefix: Segment[] = []): Segment[][] {
  const paths: Segment[][] = []
  if (Array.isArray(value)) {
    value.forEach((inner, index) => {
      paths.push([...prefix, index], ...fieldPaths(inner, [...prefix, index]))
    })
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      paths.push([...prefix, key], ...fieldPaths(inner, [...prefix, key]))
    }
  }
  return paths
}

function withValueAt(value: unknown, path: readonly Segment[], replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>
  let holder: Record<string | number, unknown> = copy
  for (const part of path.slice(0, -1)) holder = holder[part] as Record<string | number, unknown>
  holder[path[path.length - 1] as Segment] = replacement
  return copy
}

/**
 * Every (field, wrong value) pair of `valid` that `isRefused` refuses.
 *
 * @example
 * ```ts
 * wrongValueMutations({ a: 1 }, (body) => typeof body.a !== 'number').map((m) => m.wrong) // [null, true, '', ...]
 * ```
 */
export function wrongValueMutations(
  valid: Record<string, unknown>,
  isRefused: (body: Record<string, unknown>) => boolean,
): WrongValueMutation[] {
  const out: WrongValueMutation[] = []
  for (const path of fieldPaths(valid)) {
    for (const wrong of WRONG_VALUES) {
      const body = withValueAt(valid, path, wrong)
      if (isRefused(body)) out.push({ path: formatPath(path), wrong, body })
    }
  }
  return out
}
