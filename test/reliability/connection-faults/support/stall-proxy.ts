/**
 * A loopback TCP proxy in front of PostgreSQL whose network can stall: `stall()` stops carrying
 * bytes in both directions, on the connections it carries and on new ones (accepted, but their
 * startup packet never arrives), without closing anything: what a client sees when a link or a
 * firewall silently drops traffic. `resume()` delivers what was held back and forwards again, as
 * TCP retransmission does once a partition heals. `cut()` resets every connection instead.
 *
 * (packages/engine/test/support/tcp-proxy.ts has the other fault, connections made half-open.)
 *
 * @example
 * ```ts
 * const proxy = await startStallProxy('127.0.0.1', cluster.port)
 * proxy.stall()
 * // queries hang, checkouts time out...
 * proxy.resume()
 * await proxy.close()
 * ```
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface StallProxy {
  readonly port: number
  /** True between `stall()` and `resume()`. */
  readonly stalled: boolean
  /** Connections accepted since the proxy started. */
  readonly accepted: number
  /** Stops forwarding in both directions, holding the bytes back. */
  stall(): void
  /** Delivers the held bytes and forwards again. */
  resume(): void
  /** Resets every current connection. */
  cut(): void
  close(): Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket
  /** Bytes held back while stalled, in order, per direction. */
  toUpstream: Buffer[]
  toClient: Buffer[]
}

/** Starts the proxy on a free loopback port, forwarding to `targetHost:targetPort`. */
export async function startStallProxy(targetHost: string, targetPort: number): Promise<StallProxy> {
  const pairs = new Set<Pair>()
  let stalled = false
  let accepted = 0

  const server: Server = createServer((client) => {
    accepted++
    const upstream = connect(targetPort, targetHost)
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [] }
    pairs.add(pair)
    client.on('data', (chunk) => {
      if (stalled) pair.toUpstream.push(chunk)
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (stalled) pair.toClient.push(chunk)
      else client.write(chunk)
    })
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('stall proxy has no TCP address')

  return {
    port: address.port,
    get stalled() {
      return stalled
    },
    get accepted() {
      return accepted
    },
    stall() {
      stalled = true
    },
    resume() {
      stalled = false
      for (const pair of pairs) {
        for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk)
        for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk)
      }
    },
    cut() {
      for (const pair of pairs) {
        pair.client.resetAndDestroy()
        pair.upstream.destroy()
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
