/**
 * A free TCP port on loopback, for servers the scenarios start.
 *
 * @example
 * ```ts
 * const port = await freePort()
 * ```
 */
import { createServer } from 'node:net'

/**
 * Asks the kernel for a free port on 127.0.0.1 and releases it.
 *
 * @example
 * ```ts
 * spawn('next', ['start', '-p', String(await freePort())])
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}
