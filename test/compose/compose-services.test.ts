/**
 * docker-compose.yml as docker-compose resolves it with an empty environment: it validates, the
 * services a user needs exist, ports are unique and documented, long-running services have
 * healthchecks, start-order conditions point at services that can satisfy them, and the URLs,
 * credentials and files the services hand to each other line up.
 */
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type ComposeConfig, type ComposeService, loadComposeConfig, runCompose } from './support/compose-config.js'
import { readRepoFile, repoFileExists } from './support/repo.js'
import {
  containerPorts,
  dependencies,
  envUrl,
  hasHealthcheck,
  healthcheckText,
  isOneShot,
  mounts,
  publishedPorts,
} from './support/service-facts.js'

const EXPECTED_SERVICES = [
  'db-primary',
  'db-replica',
  'dashboard',
  'dashboard-setup',
  'shop',
  'shop-migrate',
  'minio',
  'minio-setup',
]
const ONE_SHOTS = ['dashboard-setup', 'shop-migrate', 'minio-setup']

let config: ComposeConfig
let stderr: string

function service(name: string): ComposeService {
  const found = config.services[name]
  if (found === undefined) throw new Error(`docker-compose.yml has no service '${name}'`)
  return found
}

function env(name: string, variable: string): string {
  const value = service(name).environment?.[variable]
  if (typeof value !== 'string') throw new Error(`service '${name}' does not set ${variable}`)
  return value
}

beforeAll(() => {
  const loaded = loadComposeConfig()
  config = loaded.config
  stderr = loaded.stderr
})

describe('docker-compose.yml validates', () => {
  it('passes `docker-compose config -q` with an empty environment, without unset-variable warnings', () => {
    const run = runCompose(['config', '-q'])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(stderr).not.toMatch(/variable is not set/i)
  })

  it('gives every variable substitution a default (VAR:-default)', () => {
    const raw = readRepoFile('docker-compose.yml')
    const substitutions = [...raw.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((match) => match[1] as string)
    expect(substitutions.length).toBeGreaterThan(10)
    const withoutDefault = substitutions.filter((body) => !/^\w+:?-/.test(body))
    expect(withoutDefault).toEqual([])
  })

  it('says how to install docker-compose when the binary is missing', () => {
    expect(() => runCompose(['config', '-q'], { path: '/nonexistent' })).toThrow(/apt-get install -y docker-compose/)
  })
})

describe('services, ports, healthchecks, start order', () => {
  it('has every service of the stack', () => {
    expect(Object.keys(config.services).sort()).toEqual([...EXPECTED_SERVICES].sort())
  })

  it('publishes each host port once, and documents each in docs/docker.md beside its service', () => {
    const docs = readRepoFile('docs/docker.md').split('\n')
    const published = Object.entries(config.services).flatMap(([name, s]) =>
      publishedPorts(s).map((port) => ({ name, port })),
    )
    expect(published.length).toBeGreaterThanOrEqual(6)
    const ports = published.map((p) => p.port)
    expect(new Set(ports).size).toBe(ports.length)
    for (const { name, port } of published) {
      const documented = docs.some((line) => new RegExp(`\\b${port}\\b`).test(line) && line.includes(`\`${name}\``))
      expect(documented, `port ${port} of ${name} in a line of docs/docker.md naming \`${name}\``).toBe(true)
    }
  })

  it('names every service in docs/docker.md, with the defaults a user signs in with', () => {
    const docs = readRepoFile('docs/docker.md')
    for (const name of Object.keys(config.services)) expect(docs, name).toContain(`| \`${name}\``)
    expect(docs).toContain(`\`${env('dashboard', 'DASHBOARD_ADMIN_PASSWORD')}\``)
    expect(docs).toContain(`\`${env('minio', 'MINIO_ROOT_PASSWORD')}\``)
    expect(docs).toContain(`bucket \`${env('minio-setup', 'S3_BUCKET')}\``)
    expect(docs).toContain(`environment \`${env('dashboard-setup', 'DORM_ENVIRONMENT')}\``)
  })

  it('runs the setup services once (restart "no") and gives every other service a healthcheck', () => {
    for (const name of ONE_SHOTS) expect(isOneShot(service(name)), name).toBe(true)
    for (const [name, s] of Object.entries(config.services)) {
      if (isOneShot(s)) continue
      expect(hasHealthcheck(s), `${name} runs for good: it needs a healthcheck`).toBe(true)
      expect(s.restart, name).toBe('unless-stopped')
    }
  })

  it('waits with service_healthy only on healthchecked services, service_completed_successfully only on one-shots', () => {
    let conditions = 0
    for (const [name, s] of Object.entries(config.services)) {
      for (const [target, condition] of Object.entries(dependencies(s))) {
        conditions++
        const dependency = service(target)
        if (condition === 'service_healthy') expect(hasHealthcheck(dependency), `${name} → ${target}`).toBe(true)
        else if (condition === 'service_completed_successfully')
          expect(isOneShot(dependency), `${name} → ${target}`).toBe(true)
        else expect.fail(`${name} → ${target}: use service_healthy or service_completed_successfully, not ${condition}`)
      }
    }
    expect(conditions).toBeGreaterThanOrEqual(10)
  })

  it('starts the shop after its migrations, the key, the bucket, both databases and the dashboard', () => {
    expect(dependencies(service('shop'))).toEqual({
      'db-primary': 'service_healthy',
      'db-replica': 'service_healthy',
      dashboard: 'service_healthy',
      'dashboard-setup': 'service_completed_successfully',
      'minio-setup': 'service_completed_successfully',
      'shop-migrate': 'service_completed_successfully',
    })
  })
})

describe('healthchecks of the two apps', () => {
  function healthUrl(name: string): URL {
    const text = healthcheckText(service(name))
    expect(text, `${name}: node's fetch, no curl in slim images`).toMatch(/^CMD node -e fetch\(/)
    const url = /https?:\/\/[^'"\s)]+/.exec(text)?.[0]
    if (url === undefined) throw new Error(`${name}: no URL in its healthcheck: ${text}`)
    return new URL(url)
  }

  it("call the dashboard's GET /api/v1/health route on its PORT", () => {
    const url = healthUrl('dashboard')
    expect(url.port).toBe(env('dashboard', 'PORT'))
    expect(url.pathname).toBe('/api/v1/health')
    expect(repoFileExists(`apps/dashboard/app${url.pathname}/route.ts`), `route for ${url.pathname}`).toBe(true)
    expect(readRepoFile(`apps/dashboard/app${url.pathname}/route.ts`)).toMatch(/export async function GET\b/)
  })

  it("call the shop's GET /healthz on its PORT (the route, once the shop's sources exist)", () => {
    const url = healthUrl('shop')
    expect(url.port).toBe(env('shop', 'PORT'))
    expect(url.pathname).toBe('/healthz')
    if (repoFileExists('examples/shop/routes/ops.ts')) {
      expect(readRepoFile('examples/shop/routes/ops.ts')).toMatch(/'GET'[^\n]*'\/healthz'/)
    }
  })
})

describe('what the services hand to each other', () => {
  it('points the shop at the primary (DATABASE_URL) and the replica (REPLICA_URL), same database and user', () => {
    for (const name of ['shop', 'shop-migrate']) {
      const primary = envUrl(service(name), 'DATABASE_URL')
      const replica = envUrl(service(name), 'REPLICA_URL')
      expect(primary.hostname).toBe('db-primary')
      expect(replica.hostname).toBe('db-replica')
      expect(Number(primary.port)).toBe(containerPorts(service('db-primary'))[0])
      expect(Number(replica.port)).toBe(containerPorts(service('db-replica'))[0])
      expect(primary.pathname).toBe(`/${env('db-primary', 'POSTGRES_DB')}`)
      expect(replica.pathname).toBe(primary.pathname)
      expect(decodeURIComponent(primary.username)).toBe(env('db-primary', 'POSTGRES_USER'))
      expect(decodeURIComponent(primary.password)).toBe(env('db-primary', 'POSTGRES_PASSWORD'))
    }
  })

  it('streams the replica from the primary with the replication password the primary sets', () => {
    expect(env('db-replica', 'PRIMARY_HOST')).toBe('db-primary')
    expect(env('db-replica', 'REPLICATION_PASSWORD')).toBe(env('db-primary', 'REPLICATION_PASSWORD'))
  })

  it("sends the shop's telemetry to the dashboard service at the dashboard's container port", () => {
    const endpoint = envUrl(service('shop'), 'DORM_TELEMETRY_ENDPOINT')
    expect(endpoint.hostname).toBe('dashboard')
    expect(endpoint.port).toBe(env('dashboard', 'PORT'))
    expect(containerPorts(service('dashboard'))).toContain(Number(env('dashboard', 'PORT')))
    expect(env('shop', 'DORM_ENVIRONMENT')).toBe(env('dashboard-setup', 'DORM_ENVIRONMENT'))
  })

  it('hands the ingest key over a volume written by the bootstrap and mounted read-only in the shop', () => {
    const tokenFile = env('shop', 'DORM_TELEMETRY_TOKEN_FILE')
    expect(env('dashboard-setup', 'INGEST_KEY_FILE')).toBe(tokenFile)
    const dir = posix.dirname(tokenFile)
    const written = mounts(service('dashboard-setup')).find((mount) => mount.target === dir)
    const read = mounts(service('shop')).find((mount) => mount.target === dir)
    expect(written, `dashboard-setup mounts ${dir}`).toBeDefined()
    expect(read, `shop mounts ${dir}`).toBeDefined()
    expect(read?.source).toBe(written?.source)
    expect(Object.keys(config.volumes ?? {})).toContain(written?.source)
    expect(written?.readOnly).toBe(false)
    expect(read?.readOnly).toBe(true)
    expect(service('shop').environment?.DORM_TELEMETRY_TOKEN).toBeUndefined()
  })

  it("stores the dashboard in the primary's `dashboard` database, which the primary's init creates", () => {
    for (const name of ['dashboard', 'dashboard-setup']) {
      const url = envUrl(service(name), 'DASHBOARD_DATABASE_URL')
      expect(url.hostname).toBe('db-primary')
      expect(url.pathname).toBe(`/${env('db-primary', 'DASHBOARD_DB')}`)
      expect(decodeURIComponent(url.username)).toBe(env('db-primary', 'POSTGRES_USER'))
    }
    expect(env('dashboard', 'DASHBOARD_ADMIN_PASSWORD')).not.toBe('')
  })

  it('stores the shop’s files in the MinIO bucket the setup creates, with the MinIO credentials', () => {
    expect(envUrl(service('shop'), 'AWS_ENDPOINT_URL_S3').hostname).toBe('minio')
    expect(env('shop', 'S3_BUCKET')).toBe(env('minio-setup', 'S3_BUCKET'))
    expect(env('shop', 'AWS_ACCESS_KEY_ID')).toBe(env('minio', 'MINIO_ROOT_USER'))
    expect(env('shop', 'AWS_SECRET_ACCESS_KEY')).toBe(env('minio', 'MINIO_ROOT_PASSWORD'))
  })

  it('listens on all interfaces in the containers and builds both apps from the repository root', () => {
    expect(env('shop', 'HOST')).toBe('0.0.0.0')
    expect(containerPorts(service('shop'))).toContain(Number(env('shop', 'PORT')))
    const root = posix.resolve(service('dashboard').build?.context ?? '')
    for (const [name, dockerfile] of [
      ['dashboard', 'apps/dashboard/Dockerfile'],
      ['dashboard-setup', 'apps/dashboard/Dockerfile'],
      ['shop', 'examples/shop/Dockerfile'],
      ['shop-migrate', 'examples/shop/Dockerfile'],
    ] as const) {
      expect(service(name).build?.dockerfile).toBe(dockerfile)
      expect(posix.resolve(service(name).build?.context ?? '')).toBe(root)
      expect(() => readFileSync(posix.join(root, dockerfile))).not.toThrow()
    }
  })
})
