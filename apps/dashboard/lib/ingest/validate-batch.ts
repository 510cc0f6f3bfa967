/**
 * Validation of an ingest body with the shared telemetry schema: the envelope as a whole (a bad
 * envelope is a 400 naming the field), then each item on its own (a bad item is rejected with its
 * index and field path while the others are stored).
 *
 * @example
 * ```ts
 * const result = validateBatch(body)
 * if (!result.ok) return jsonError(400, result.error, { issues: result.issues })
 * result.items // the valid items, each with its index in the batch
 * result.errors // [{ index: 3, path: 'items[3].histogram', message: '...' }]: the first problem of each bad item
 * ```
 */
import {
  TELEMETRY_SCHEMA_VERSION,
  type TelemetryBatch,
  type TelemetryItem,
  telemetryBatchSchema,
  telemetryItemSchema,
} from '@dorm/engine/contrib/telemetry'

/** One problem, with the path of the field in the body (`items[3].histogram`). */
export interface FieldIssue {
  path: string
  message: string
}

/** A rejected item. */
export interface ItemError extends FieldIssue {
  index: number
}

/** A valid item and its place in the batch. */
export interface IndexedItem {
  index: number
  item: TelemetryItem
}

/** The outcome of {@link validateBatch}. */
export type BatchValidation =
  | { ok: false; error: string; issues: FieldIssue[] }
  | { ok: true; batch: TelemetryBatch; items: IndexedItem[]; errors: ItemError[] }

/**
 * A zod path as written in JavaScript: `items[3].histogram`, `instance.pid`; `(body)` for the root.
 *
 * @example
 * ```ts
 * formatPath(['items', 3, 'nplusone', 0, 'fingerprint']) // 'items[3].nplusone[0].fingerprint'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out === '' ? '(body)' : out
}

function issuesOf(
  error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> },
  prefix: PropertyKey[],
) {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }))
}

const NUL_MESSAGE = 'a text holds a NUL character (\\u0000), which the store refuses: remove it'

/** Whether a string anywhere in a JSON value holds NUL (PostgreSQL cannot store it in text). */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(holdsNul)
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) if (key.includes('\u0000') || holdsNul(inner)) return true
  }
  return false
}

/**
 * Validates a parsed body: the envelope (400 when wrong), then every item.
 *
 * @example
 * ```ts
 * validateBatch({ schema_version: 1 }) // { ok: false, error: 'invalid batch: batch_id: …', issues: [...] }
 * ```
 */
export function validateBatch(body: unknown): BatchValidation {
  const version = (body as { schema_version?: unknown } | null)?.schema_version
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof version === 'number' &&
    version !== TELEMETRY_SCHEMA_VERSION
  ) {
    const message =
      `schema_version ${version} is not supported: this dashboard accepts ${TELEMETRY_SCHEMA_VERSION}. ` +
      'Upgrade the dashboard, or use an exporter of the same release.'
    return { ok: false, error: `invalid batch: ${message}`, issues: [{ path: 'schema_version', message }] }
  }
  const envelope = telemetryBatchSchema.safeParse(body)
  if (!envelope.success) {
    const issues = issuesOf(envelope.error, [])
    const first = issues[0] as FieldIssue
    return { ok: false, error: `invalid batch: ${first.path}: ${first.message}`, issues }
  }
  const items: IndexedItem[] = []
  const errors: ItemError[] = []
  const { items: _items, ...envelopeFields } = envelope.data
  if (holdsNul(envelopeFields))
    return { ok: false, error: `invalid batch: ${NUL_MESSAGE}`, issues: [{ path: '(body)', message: NUL_MESSAGE }] }
  envelope.data.items.forEach((raw, index) => {
    if (holdsNul(raw)) {
      errors.push({ index, path: `items[${index}]`, message: NUL_MESSAGE })
      return
    }
    const parsed = telemetryItemSchema.safeParse(raw)
    if (parsed.success) items.push({ index, item: parsed.data })
    // the first problem of an item is enough to fix it; the response stays small
    else errors.push({ index, ...(issuesOf(parsed.error, ['items', index])[0] as FieldIssue) })
  })
  return { ok: true, batch: envelope.data, items, errors }
}
