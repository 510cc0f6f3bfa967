/**
 * The retained memory of a soak process, read through its V8 inspector: a full garbage collection
 * (`HeapProfiler.collectGarbage`), then `process.memoryUsage()`. Resident memory alone does not
 * tell a leak from garbage: under light traffic V8 lets its heap grow for a long time before a
 * major collection, so RSS climbs although nothing is kept. After a full collection only what the
 * process really holds is left.
 *
 * The processes are started with `--inspect=127.0.0.1:0` (see `startSoakProcess`), so each one
 * listens on a free loopback port and prints `Debugger listening on ws://…`; this module finds the
 * one that belongs to a given pid (`next start` and its `next-server` child both print one).
 *
 * @example
 * ```ts
 * const inspector = await connectInspector(dashboard.process.inspectorUrls, serverPid)
 * const { rssMb, heapUsedMb } = await inspector.memoryAfterGc()
 * ```
 */
import WebSocket from 'ws'

/** Memory of a process as `process.memoryUsage()` reports it, in MB. */
export interface ProcessMemory {
  rssMb: number
  heapUsedMb: number
  heapTotalMb: number
  externalMb: number
}

/** An open inspector session on one process. */
export interface InspectorMemory {
  readonly pid: number
  /** A full collection, then the memory left (a session of its own, closed before it resolves). */
  memoryAfterGc(): Promise<ProcessMemory>
}

const CALL_TIMEOUT_MS = 30_000
const MB = 2 ** 20

interface Session {
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>
  close(): void
}

async function openSession(url: string): Promise<Session> {
  const socket = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  let nextId = 0
  const pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (err: Error) => void }>()
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: unknown }
    if (message.id === undefined) return
    const waiter = pending.get(message.id)
    pending.delete(message.id)
    if (message.error !== undefined) waiter?.reject(new Error(`inspector: ${JSON.stringify(message.error)}`))
    else waiter?.resolve(message.result ?? {})
  })
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('inspector connection closed'))
    pending.clear()
  })
  return {
    call(method, params = {}) {
      const id = ++nextId
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`inspector: ${method} got no answer within ${CALL_TIMEOUT_MS} ms`))
        }, CALL_TIMEOUT_MS)
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer)
            resolve(value)
          },
          reject: (err) => {
            clearTimeout(timer)
            reject(err)
          },
        })
        socket.send(JSON.stringify({ id, method, params }))
      })
    },
    close: () => socket.close(),
  }
}

async function evaluate(session: Session, expression: string): Promise<unknown> {
  const answer = (await session.call('Runtime.evaluate', { expression, returnByValue: true })) as {
    result?: { value?: unknown }
  }
  return answer.result?.value
}

/**
 * Opens the inspector of `pid` among `urls` (the `ws://` addresses its process tree printed).
 *
 * @example
 * ```ts
 * const inspector = await connectInspector(['ws://127.0.0.1:40111/3f…'], 4242)
 * ```
 */
export async function connectInspector(
  urls: readonly string[],
  pid: number,
  waitMs = 15_000,
): Promise<InspectorMemory> {
  // the addresses come from the processes' stderr: a process just started may not have printed yet
  const deadline = Date.now() + waitMs
  const tried = new Set<string>()
  for (;;) {
    const found = await findInspector(urls, pid, tried)
    if (found !== undefined) return found
    if (Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(
    `no inspector of pid ${pid} among ${urls.length} address(es) after ${waitMs} ms; was the process started with inspect: true?`,
  )
}

async function findInspector(
  urls: readonly string[],
  pid: number,
  tried: Set<string>,
): Promise<InspectorMemory | undefined> {
  for (const url of urls) {
    if (tried.has(url)) continue
    tried.add(url)
    let owner: unknown
    try {
      const session = await openSession(url)
      owner = await evaluate(session, 'process.pid').finally(() => session.close())
    } catch {
      continue // that process is gone
    }
    if (owner === pid) return inspectorAt(url, pid)
  }
  return undefined
}

/**
 * A session per reading, closed at once: a process whose inspector still has a client when its
 * work ends waits for the client to leave ("Waiting for the debugger to disconnect"), and the
 * traffic driver ends by itself.
 */
function inspectorAt(url: string, pid: number): InspectorMemory {
  return {
    pid,
    async memoryAfterGc() {
      const session = await openSession(url)
      try {
        await session.call('HeapProfiler.collectGarbage')
        const usage = JSON.parse(String(await evaluate(session, 'JSON.stringify(process.memoryUsage())'))) as {
          rss: number
          heapUsed: number
          heapTotal: number
          external: number
        }
        return {
          rssMb: usage.rss / MB,
          heapUsedMb: usage.heapUsed / MB,
          heapTotalMb: usage.heapTotal / MB,
          externalMb: usage.external / MB,
        }
      } finally {
        session.close()
      }
    },
  }
}
