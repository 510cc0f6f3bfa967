/**
 * The two Dockerfiles, checked without a Docker engine: every file they COPY from the context
 * exists and survives .dockerignore, every workspace's package.json reaches `npm ci`, stages start
 * from node:20-bookworm-slim, the final stage runs as a non-root user with telemetry off and a
 * healthcheck on a route that exists, and the context leaves out installed and generated files.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Dockerfile, parseDockerfile, resolveImage } from './support/dockerfile.js'
import { type Dockerignore, parseDockerignore } from './support/dockerignore.js'
import { readRepoFile, repoFileExists, repoPath } from './support/repo.js'

const IMAGES = [
  {
    dockerfile: 'apps/dashboard/Dockerfile',
    workspace: '@dorm/dashboard',
    healthPath: '/api/v1/health',
    command: ['node', '/app/node_modules/next/dist/bin/next', 'start'],
  },
  {
    dockerfile: 'examples/shop/Dockerfile',
    workspace: '@dorm/example-shop',
    healthPath: '/healthz',
    command: ['node', '--import', 'tsx', 'server.ts'],
  },
] as const

const ignore: Dockerignore = parseDockerignore(readRepoFile('.dockerignore'))

/** Every file under a repository directory, relative to the root (node_modules and .git skipped). */
function filesUnder(relative: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(repoPath(dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue
      const path = dir === '.' ? entry.name : `${dir}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else out.push(path)
    }
  }
  walk(relative)
  return out
}

/** The workspace folders of the root package.json (globs such as packages/* expanded). */
function workspaceFolders(): string[] {
  const { workspaces } = JSON.parse(readRepoFile('package.json')) as { workspaces: string[] }
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return readdirSync(repoPath(parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(repoPath(`${parent}/${entry.name}/package.json`)))
      .map((entry) => `${parent}/${entry.name}`)
  })
}

function finalStage(file: Dockerfile) {
  const stage = file.stages[file.stages.length - 1]
  if (stage === undefined) throw new Error('no FROM in the Dockerfile')
  return stage
}

describe('.dockerignore', () => {
  it('keeps installed, generated and local data out of the build context', () => {
    for (const path of [
      'node_modules/next/package.json',
      'apps/dashboard/node_modules/.bin/next',
      'apps/dashboard/.next/BUILD_ID',
      'packages/engine/dist/index.js',
      'apps/dashboard/reports/vitest.json',
      '.dorm-demo/shop/primary.sqlite3',
      'examples/shop/.dorm-demo/shop/primary.sqlite3',
      'apps/dashboard/.dashboard-data/dashboard.sqlite3',
      'bench/.data/bench.sqlite3',
      'bench/contenders/prisma.ts',
      '.git/HEAD',
      'examples/shop/.env',
      'apps/dashboard/test/api/cli.test.ts',
      'test/reliability/pool.test.ts',
    ]) {
      expect(ignore.excludes(path), path).toBe(true)
    }
  })

  it('keeps the sources the images build from', () => {
    for (const path of [
      'package-lock.json',
      'packages/engine/src/index.ts',
      'apps/dashboard/app/api/v1/health/route.ts',
      'apps/dashboard/lib/keys.ts',
      'docs/rules/DORM-M001.md',
      'test/package.json',
      'e2e/package.json',
      'examples/shop/package.json',
    ]) {
      expect(ignore.excludes(path), path).toBe(false)
    }
  })
})

describe.each(IMAGES)('$dockerfile', ({ dockerfile, workspace, healthPath, command }) => {
  const file = parseDockerfile(readRepoFile(dockerfile))

  it('copies only files that exist in the repository and are in the build context', () => {
    expect(file.contextCopies.length).toBeGreaterThan(5)
    for (const copy of file.contextCopies) {
      for (const source of copy.sources) {
        const where = `${dockerfile}:${copy.line} COPY ${source}`
        expect(source, `${where}: no wildcards, so this check sees every file`).not.toMatch(/[*?[]/)
        expect(repoFileExists(source), `${where}: missing in the repository`).toBe(true)
        const path = source.replace(/\/+$/, '')
        expect(ignore.excludes(path), `${where}: excluded by .dockerignore`).toBe(false)
        if (source.endsWith('/')) {
          const kept = filesUnder(path).filter((inner) => !ignore.excludes(inner))
          expect(kept.length, `${where}: every file under it is excluded`).toBeGreaterThan(0)
        }
      }
    }
  })

  it("gives `npm ci` every workspace's package.json and the lockfile, before the sources", () => {
    const copied = new Set(file.contextCopies.flatMap((copy) => copy.sources))
    expect(copied).toContain('package-lock.json')
    for (const folder of workspaceFolders()) expect(copied, folder).toContain(`${folder}/package.json`)
    const firstCi = file.instructions.find((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))
    const firstSource = file.contextCopies.find((copy) => copy.sources.some((s) => s.endsWith('/')))
    expect(firstCi).toBeDefined()
    expect(firstCi?.line ?? 0).toBeLessThan(firstSource?.line ?? 0)
  })

  it('builds the workspace and its dependencies with turbo, and installs production modules apart', () => {
    const runs = file.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)
    expect(runs.some((run) => run.includes(`turbo run build --filter=${workspace}...`))).toBe(true)
    expect(runs.some((run) => /npm ci --omit=dev\b/.test(run) && run.includes(`--workspace=${workspace}`))).toBe(true)
  })

  it('starts every stage from node:20-bookworm-slim or an earlier stage', () => {
    const names = new Set<string>()
    for (const stage of file.stages) {
      const image = resolveImage(file, stage)
      expect(image === 'node:20-bookworm-slim' || names.has(image), `FROM ${stage.image}`).toBe(true)
      if (stage.name) names.add(stage.name)
    }
    for (const instruction of file.instructions) {
      const from = /--from=(\S+)/.exec(instruction.args)?.[1]
      if (instruction.keyword === 'COPY' && from !== undefined) expect(names, `COPY --from=${from}`).toContain(from)
    }
  })

  it('runs as a non-root user with Next.js telemetry off and a node fetch healthcheck on an existing route', () => {
    const stage = finalStage(file)
    const users = stage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.trim())
    expect(users.length).toBeGreaterThan(0)
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/)
    const allEnv = file.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args)
    expect(allEnv.some((args) => /\bNEXT_TELEMETRY_DISABLED=1\b/.test(args))).toBe(true)
    const healthcheck = stage.instructions.find((i) => i.keyword === 'HEALTHCHECK')
    expect(healthcheck?.args).toContain(`fetch(`)
    expect(healthcheck?.args).toContain(healthPath)
    expect(healthcheck?.args).not.toMatch(/\b(curl|wget)\b/)
    const cmd = stage.instructions.filter((i) => i.keyword === 'CMD').pop()
    expect(JSON.parse(cmd?.args ?? '[]')).toEqual(command)
  })
})

describe('the routes the healthchecks call', () => {
  it('exist: GET /api/v1/health in the dashboard', () => {
    const route = readRepoFile('apps/dashboard/app/api/v1/health/route.ts')
    expect(route).toMatch(/export async function GET\b/)
  })

  it('exist: GET /healthz in the shop (once its sources are there)', ({ skip }) => {
    const sources = filesUnder('examples/shop').filter(
      (path) => path.endsWith('.ts') && !path.includes('/test/') && !path.endsWith('.test.ts'),
    )
    if (sources.length === 0) skip('examples/shop has no sources yet')
    const registers = sources.some((path) => /'GET'[^\n]*'\/healthz'/.test(readRepoFile(path)))
    expect(registers, "no source of examples/shop registers 'GET' '/healthz'").toBe(true)
    expect(existsSync(join(repoPath('examples/shop'), 'server.ts'))).toBe(true)
    expect(existsSync(join(repoPath('examples/shop'), 'seed.ts'))).toBe(true)
  })
})
