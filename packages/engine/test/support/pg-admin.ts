import pg from 'pg'

/**
 * A plain node-postgres client outside dorm's pool, for inspecting and disturbing the server in
 * tests (pg_stat_activity, pg_terminate_backend).
 */
export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'dorm-test-admin' })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Backend pids of the connections whose application_name is `appName`. */
export async function backendPids(url: string, appName: string): Promise<number[]> {
  return withAdmin(url, async (c) => {
    const r = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid',
      [appName],
    )
    return r.rows.map((row) => row.pid)
  })
}

/** Terminates every connection whose application_name is `appName`; returns how many. */
export async function terminateBackends(url: string, appName: string): Promise<number> {
  return withAdmin(url, async (c) => {
    const r = await c.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [appName],
    )
    return r.rows.filter((row) => row.ok).length
  })
}

/** A unique application_name so parallel test files can find their own connections. */
export function uniqueAppName(label: string): string {
  return `dorm-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
}

/** Polls `check` every 25 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
