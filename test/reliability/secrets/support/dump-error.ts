/**
 * Everything an error carries, as text: name, message, stack, every own property (SQL, params,
 * code, detail...) and its `cause` chain, so a scan sees all a handler could print or log.
 *
 * @example
 * ```ts
 * try { await connection.execute('SELEKT 1') } catch (err) { output.push(dumpError(err)) }
 * ```
 */

/**
 * Dumps `err` and its causes (at most 10 deep).
 *
 * @example
 * ```ts
 * dumpError(new Error('boom', { cause: new Error('root') })) // 'Error: boom\n...\ncaused by Error: root...'
 * ```
 */
export function dumpError(err: unknown, depth = 0): string {
  if (!(err instanceof Error)) return safeJson(err)
  const own: Record<string, unknown> = {}
  for (const key of Object.getOwnPropertyNames(err)) {
    if (key !== 'stack' && key !== 'cause') own[key] = (err as unknown as Record<string, unknown>)[key]
  }
  const lines = [`${err.name}: ${err.message}`, err.stack ?? '', safeJson(own), String(err)]
  if (err.cause !== undefined && depth < 10) lines.push(`caused by ${dumpError(err.cause, depth + 1)}`)
  return lines.join('\n')
}

/**
 * JSON of any value; errors inside it dumped whole, cycles and bigints tolerated.
 *
 * @example
 * ```ts
 * safeJson({ error: new Error('x'), n: 1n })
 * ```
 */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>()
  try {
    return JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner === 'bigint') return inner.toString()
      if (inner instanceof Error) return dumpError(inner)
      if (typeof inner === 'object' && inner !== null) {
        if (seen.has(inner)) return '[cycle]'
        seen.add(inner)
      }
      return inner
    })
  } catch (err) {
    return `[unserialisable: ${String(err)}]`
  }
}
