/**
 * A local node:http server standing in for the dashboard's `POST /api/v1/ingest` in the exporter's
 * tests: it gunzips and records every batch (headers, envelope, items), checks them against the
 * shared schema, and answers what the test asks for: 202, an error status with Retry-After, or
 * nothing at all (`down()` closes the port; `up()` listens on the same port again).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import {
  type TelemetryBatch,
  type TelemetryItem,
  telemetryBatchSchema,
  telemetryItemSchema,
} from '../../../src/contrib/telemetry/index.js'

/** One POST as the stub saw it. */
export interface ReceivedBatch {
  headers: IncomingMessage['headers']
  /** The gunzipped body. */
  raw: string
  batch: TelemetryBatch
  items: TelemetryItem[]
  /** The status the stub answered. */
  status: number
}

/** What the stub answers next. */
export type StubAnswer = { status: 202 } | { status: number; retryAfter?: string }

export interface DashboardStub {
  readonly url: string
  /** Every POST, in order (including those answered with an error). */
  readonly received: ReceivedBatch[]
  /** Schema problems found in what was received (should stay empty). */
  readonly problems: string[]
  /** Sets the answers: the next ones in order, then 202. */
  answer(...answers: StubAnswer[]): void
  /** Items of the accepted batches. */
  accepted(): TelemetryItem[]
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts the stub on a free loopback port.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboardStub()
 * startTelemetry({ endpoint: dashboard.url, token: 't', service: 'api' })
 * ```
 */
export async function startDashboardStub(): Promise<DashboardStub> {
  const received: ReceivedBatch[] = []
  const problems: string[] = []
  let answers: StubAnswer[] = []
  const sockets = new Set<import('node:net').Socket>()

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8')
      const parsed = telemetryBatchSchema.safeParse(JSON.parse(raw))
      if (!parsed.success) {
        problems.push(`envelope: ${JSON.stringify(parsed.error.issues[0])}`)
        res.writeHead(400).end()
        return
      }
      const items: TelemetryItem[] = []
      parsed.data.items.forEach((candidate, index) => {
        const item = telemetryItemSchema.safeParse(candidate)
        if (item.success) items.push(item.data)
        else problems.push(`item ${index}: ${JSON.stringify(item.error.issues[0])}`)
      })
      const next = answers.shift() ?? { status: 202 }
      received.push({ headers: req.headers, raw, batch: parsed.data, items, status: next.status })
      if (next.status === 202) {
        res.writeHead(202, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ accepted: items.length, rejected: 0, errors: [] }))
        return
      }
      const headers: Record<string, string> = {}
      if ('retryAfter' in next && next.retryAfter !== undefined) headers['retry-after'] = next.retryAfter
      res.writeHead(next.status, headers).end(`answer ${next.status}`)
    })
  }

  let server: Server = createServer(handle)
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer(handle)
      server.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  const port = await listen(0)
  let listening = true

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    problems,
    answer(...next) {
      answers = next
    },
    accepted() {
      return received.filter((r) => r.status === 202).flatMap((r) => r.items)
    },
    async down() {
      if (!listening) return
      listening = false
      await stop()
    },
    async up() {
      if (listening) return
      await listen(port)
      listening = true
    },
    async close() {
      if (listening) await stop()
      listening = false
    },
  }
}
