/**
 * Polls a condition until it holds or a deadline passes (for state the engine reaches in the
 * background: a pool refilled, connections closed on the server).
 *
 * @example
 * ```ts
 * await waitUntil('the pool is back to MIN_POOL_SIZE', () => poolStats('default').pool_size === 2, 10_000)
 * ```
 */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<number> {
  const start = performance.now()
  for (;;) {
    if (await condition()) return performance.now() - start
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
