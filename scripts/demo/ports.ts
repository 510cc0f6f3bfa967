/**
 * The demo's ports: the default one when it is free, a free one when it is taken, or exactly the
 * one asked for through an environment variable (and a clear error when that one is taken).
 *
 * @example
 * ```ts
 * const dashboard = await choosePort({ label: 'dashboard', preferred: 3000, variable: 'DORM_DEMO_DASHBOARD_PORT' })
 * console.log(dashboard.port, dashboard.note) // 3000 'default'
 * ```
 */
import { createServer } from 'node:net'
import { StepFailure } from './steps.js'

/** The loopback address every demo server listens on. */
export const HOST = '127.0.0.1'

/** A chosen port and why it was chosen. */
export interface ChosenPort {
  readonly port: number
  /** `default`, `from DORM_DEMO_..._PORT`, or `3000 was taken`. */
  readonly note: string
}

function listenOnce(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(null))
    probe.listen({ port, host: HOST, exclusive: true }, () => {
      const address = probe.address()
      const bound = typeof address === 'object' && address !== null ? address.port : null
      probe.close(() => resolve(bound))
    })
  })
}

/**
 * Whether nothing listens on `port` (on the loopback address).
 *
 * @example
 * ```ts
 * if (!(await isPortFree(3000))) console.log('3000 is taken')
 * ```
 */
export async function isPortFree(port: number): Promise<boolean> {
  return (await listenOnce(port)) !== null
}

/**
 * A port the system reports free right now.
 *
 * @example
 * ```ts
 * const port = await freePort()
 * ```
 */
export async function freePort(): Promise<number> {
  const port = await listenOnce(0)
  if (port === null) throw new Error('the system gave no free port on 127.0.0.1')
  return port
}

/**
 * Picks the port of one server.
 *
 * @example
 * ```ts
 * await choosePort({ label: 'shop', preferred: 8000, variable: 'DORM_DEMO_SHOP_PORT', avoid: [3000] })
 * ```
 */
export async function choosePort(options: {
  label: string
  preferred: number
  variable: string
  avoid?: readonly number[]
  env?: NodeJS.ProcessEnv
}): Promise<ChosenPort> {
  const raw = (options.env ?? process.env)[options.variable]?.trim()
  const avoid = options.avoid ?? []
  if (raw !== undefined && raw !== '') {
    const port = Number(raw)
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new StepFailure(
        `${options.variable}='${raw}' is not a port number.`,
        `Set ${options.variable} to a number between 1 and 65535, or unset it to use ${options.preferred} (or a free port).`,
      )
    }
    if (avoid.includes(port) || !(await isPortFree(port))) {
      throw new StepFailure(
        `port ${port} (${options.variable}) for the ${options.label} is already in use.`,
        `Stop what listens there (see: ss -ltnp 'sport = :${port}'), pick another ${options.variable}, ` +
          `or unset it and the demo picks a free port.`,
      )
    }
    return { port, note: `from ${options.variable}` }
  }
  if (!avoid.includes(options.preferred) && (await isPortFree(options.preferred))) {
    return { port: options.preferred, note: 'default' }
  }
  let port = await freePort()
  while (avoid.includes(port)) port = await freePort()
  return { port, note: `${options.preferred} was taken` }
}

/**
 * Throws a {@link StepFailure} when `port` was taken since it was chosen (the build can take minutes).
 *
 * @example
 * ```ts
 * await ensurePortStillFree({ port: 3000, label: 'dashboard', variable: 'DORM_DEMO_DASHBOARD_PORT' })
 * ```
 */
export async function ensurePortStillFree(options: { port: number; label: string; variable: string }): Promise<void> {
  if (await isPortFree(options.port)) return
  throw new StepFailure(
    `port ${options.port}, chosen for the ${options.label}, was taken by another program meanwhile.`,
    `Run npm start again (it picks a free port), or set ${options.variable} to a port you know is free.`,
  )
}
