/**
 * Captures what this process writes to stdout and stderr (still passing it through), for scans.
 *
 * @example
 * ```ts
 * const printed = captureProcessOutput()
 * console.error('hello')
 * printed.stop()
 * printed.text() // 'hello\n'
 * ```
 */

/** A running capture. */
export interface OutputCapture {
  text(): string
  stop(): void
}

/**
 * Starts capturing `process.stdout` and `process.stderr` writes.
 *
 * @example
 * ```ts
 * const printed = captureProcessOutput()
 * ```
 */
export function captureProcessOutput(): OutputCapture {
  const chunks: string[] = []
  const streams = [process.stdout, process.stderr]
  const originals = streams.map((stream) => stream.write.bind(stream))
  streams.forEach((stream, index) => {
    const original = originals[index] as typeof stream.write
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest)
    }) as typeof stream.write
  })
  return {
    text: () => chunks.join(''),
    stop() {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write
      })
    },
  }
}
