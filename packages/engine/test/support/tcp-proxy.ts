import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP proxy in front of the test PostgreSQL server that can turn the connections it
 * carries into half-open ones: `breakExisting()` makes every current connection reset as soon as
 * the client next writes, without telling the client beforehand (what a client sees after a
 * failover or a NAT timeout). New connections are unaffected.
 */
export interface BreakableProxy {
  readonly port: number
  breakExisting(): void
  close(): Promise<void>
}

export async function startBreakableProxy(targetHost: string, targetPort: number): Promise<BreakableProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; broken: boolean }>()
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost)
    const pair = { client, upstream, broken: false }
    pairs.add(pair)
    client.on('data', (chunk) => {
      if (pair.broken) {
        client.resetAndDestroy()
        upstream.destroy()
        return
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (!pair.broken) client.write(chunk)
    })
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', () => {
      // a broken pair stays silently open on the client side until the client writes
      if (!pair.broken) end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address')
  return {
    port: address.port,
    breakExisting() {
      for (const pair of pairs) {
        pair.broken = true
        // the server side goes away quietly; the client is not told
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
