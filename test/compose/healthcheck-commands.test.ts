/**
 * The apps' healthcheck commands run for real with this machine's node: the Dockerfiles'
 * HEALTHCHECK and the compose healthchecks of `dashboard` and `shop` exit 0 against a loopback HTTP
 * server that answers 200 on the health path, and 1 when it answers 503, when the path is another
 * one, or when nothing listens.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ComposeConfig, loadComposeConfig } from './support/compose-config.js'
import { parseDockerfile } from './support/dockerfile.js'
import { readRepoFile } from './support/repo.js'

let status = 200
let server: Server
let port: number
let config: ComposeConfig
const HEALTH_PATHS = new Set(['/api/v1/health', '/healthz'])

function exitCode(argv: string[], env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...env } })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code))
  })
}

function dockerfileHealthcheck(path: string): string[] {
  const instruction = parseDockerfile(readRepoFile(path)).instructions.find((i) => i.keyword === 'HEALTHCHECK')
  if (instruction === undefined) throw new Error(`${path} has no HEALTHCHECK`)
  return JSON.parse(instruction.args.slice(instruction.args.indexOf('CMD') + 3).trim()) as string[]
}

function composeHealthcheck(service: string, containerPort: string): string[] {
  const test = config.services[service]?.healthcheck?.test
  if (!Array.isArray(test) || test[0] !== 'CMD') throw new Error(`${service}: healthcheck is not an exec-form CMD`)
  return test.slice(1).map((arg) => arg.replace(`127.0.0.1:${containerPort}`, `127.0.0.1:${port}`))
}

beforeAll(async () => {
  config = loadComposeConfig().config
  server = createServer((req, res) => {
    res.statusCode = HEALTH_PATHS.has(req.url ?? '') ? status : 404
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe.each([
  { dockerfile: 'apps/dashboard/Dockerfile', service: 'dashboard', containerPort: '3000' },
  { dockerfile: 'examples/shop/Dockerfile', service: 'shop', containerPort: '8000' },
])('healthchecks of $service', ({ dockerfile, service, containerPort }) => {
  it('the Dockerfile HEALTHCHECK: 0 on 200, 1 on 503, 1 when nothing listens', async () => {
    const argv = dockerfileHealthcheck(dockerfile)
    status = 200
    expect(await exitCode(argv, { PORT: String(port) })).toBe(0)
    status = 503
    expect(await exitCode(argv, { PORT: String(port) })).toBe(1)
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const freePort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    expect(await exitCode(argv, { PORT: String(freePort) })).toBe(1)
  })

  it('the compose healthcheck: 0 on 200, 1 on 503', async () => {
    const argv = composeHealthcheck(service, containerPort)
    expect(argv.join(' ')).toContain(`127.0.0.1:${port}`)
    status = 200
    expect(await exitCode(argv)).toBe(0)
    status = 503
    expect(await exitCode(argv)).toBe(1)
  })
})
