/**
 * Plain facts read off a normalized compose service: its volume mounts, published ports,
 * `depends_on` conditions, healthcheck command, whether it is a one-shot, and the host of a URL
 * in its environment. docker-compose 1.29 prints volumes in the short `source:target[:mode]` form and
 * ports in the long form; both forms are read.
 *
 * @example
 * ```ts
 * mounts(config.services.shop!).find((m) => m.target === '/dorm-keys')?.readOnly // true
 * ```
 */
import type { ComposeService } from './compose-config.js'

/** One volume or bind mount. */
export interface Mount {
  source: string
  target: string
  readOnly: boolean
}

/**
 * The service's mounts.
 *
 * @example
 * ```ts
 * mounts({ volumes: ['data:/var/lib/postgresql/data:rw'] }) // [{ source: 'data', target: '/var/...', readOnly: false }]
 * ```
 */
export function mounts(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') {
      return { source: volume.source ?? '', target: volume.target, readOnly: volume.read_only === true }
    }
    const [source = '', target = '', mode = 'rw'] = volume.split(':')
    return { source, target, readOnly: mode.split(',').includes('ro') }
  })
}

/**
 * The host ports the service publishes.
 *
 * @example
 * ```ts
 * publishedPorts({ ports: [{ published: 3000, target: 3000 }] }) // [3000]
 * ```
 */
export function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string') return Number(port.published)
    const parts = port.split(':')
    return Number(parts.length > 1 ? parts[parts.length - 2] : parts[0])
  })
}

/**
 * The container ports the service publishes.
 *
 * @example
 * ```ts
 * containerPorts({ ports: [{ published: 5433, target: 5432 }] }) // [5432]
 * ```
 */
export function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) =>
    typeof port === 'string' ? Number(port.split(':').pop()?.split('/')[0]) : Number(port.target),
  )
}

/**
 * `depends_on` as `{ service: condition }` (the list form means `service_started`).
 *
 * @example
 * ```ts
 * dependencies({ depends_on: ['db'] }) // { db: 'service_started' }
 * ```
 */
export function dependencies(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {}
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']))
  return Object.fromEntries(Object.entries(dependsOn).map(([name, spec]) => [name, spec.condition]))
}

/**
 * Whether the service has a healthcheck that is not disabled.
 *
 * @example
 * ```ts
 * hasHealthcheck({ healthcheck: { test: ['CMD', 'true'] } }) // true
 * ```
 */
export function hasHealthcheck(service: ComposeService): boolean {
  const check = service.healthcheck
  if (check === undefined || check.disable === true || check.test === undefined) return false
  const test = Array.isArray(check.test) ? check.test : [check.test]
  return test.length > 0 && test[0] !== 'NONE'
}

/**
 * The healthcheck as one string (the command and its arguments joined).
 *
 * @example
 * ```ts
 * healthcheckText({ healthcheck: { test: ['CMD', 'pg_isready'] } }) // 'CMD pg_isready'
 * ```
 */
export function healthcheckText(service: ComposeService): string {
  const test = service.healthcheck?.test ?? []
  return Array.isArray(test) ? test.join(' ') : test
}

/**
 * A one-shot runs to completion and is not restarted: `restart: "no"` and no published port.
 *
 * @example
 * ```ts
 * isOneShot({ restart: 'no' }) // true
 * ```
 */
export function isOneShot(service: ComposeService): boolean {
  return service.restart === 'no' && publishedPorts(service).length === 0
}

/**
 * The URL held by an environment variable of the service, parsed (throws naming the variable).
 *
 * @example
 * ```ts
 * envUrl(config.services.shop!, 'DATABASE_URL').hostname // 'db-primary'
 * ```
 */
export function envUrl(service: ComposeService, name: string): URL {
  const value = service.environment?.[name]
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is not set in the service's environment`)
  return new URL(value)
}
