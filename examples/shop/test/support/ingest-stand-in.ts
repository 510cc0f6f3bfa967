/**
 * A stand-in for the dashboard's ingest endpoint on loopback: a real node:http server that
 * accepts `POST /api/v1/ingest` (gzip JSON batches), records them with their Authorization
 * header, and answers 202 as the dashboard does.
 *
 * @example
 * ```ts
 * const ingest = await startIngestStandIn()
 * // DORM_TELEMETRY_ENDPOINT=ingest.url ...
 * ingest.batches[0]?.authorization // 'Bearer dk_ingest_test'
 * await ingest.close()
 * ```
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** One received batch. */
export interface ReceivedBatch {
  authorization: string | undefined
  body: { service: string; environment?: string; items: { kind: string; route?: string | null }[] }
}

/** The running stand-in. */
export interface IngestStandIn {
  url: string
  batches: ReceivedBatch[]
  close(): Promise<void>
}

/** Starts the stand-in on a free loopback port. */
export async function startIngestStandIn(): Promise<IngestStandIn> {
  const batches: ReceivedBatch[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/ingest') {
        res.writeHead(404).end()
        return
      }
      const raw = Buffer.concat(chunks)
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString()
      const body = JSON.parse(text) as ReceivedBatch['body']
      batches.push({ authorization: req.headers.authorization, body })
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ accepted: body.items.length, rejected: 0, errors: [] }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    batches,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
