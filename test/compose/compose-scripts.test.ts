/**
 * The shell scripts docker-compose.yml mounts into containers: each mount's source exists in
 * scripts/docker, is executable (on disk and in git, so a fresh clone keeps the bit), parses with
 * `sh -n` (and `bash -n` for bash scripts), passes shellcheck when it is installed, and every script
 * in scripts/docker is used by some service.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type ComposeConfig, loadComposeConfig } from './support/compose-config.js'
import { REPO_ROOT, repoPath } from './support/repo.js'
import { mounts } from './support/service-facts.js'

let config: ComposeConfig

/** Bind mounts of repository files: `{ service, script (repo-relative), target }`. */
function scriptMounts(): Array<{ service: string; script: string; target: string; readOnly: boolean }> {
  return Object.entries(config.services).flatMap(([service, s]) =>
    mounts(s)
      .filter((mount) => mount.source.startsWith(`${REPO_ROOT}/`))
      .map((mount) => ({
        service,
        script: relative(REPO_ROOT, mount.source),
        target: mount.target,
        readOnly: mount.readOnly,
      })),
  )
}

function gitMode(path: string): string {
  const result = spawnSync('git', ['ls-files', '-s', '--', path], { cwd: REPO_ROOT, encoding: 'utf8' })
  return result.stdout.split(/\s+/)[0] ?? ''
}

beforeAll(() => {
  config = loadComposeConfig().config
})

describe('scripts mounted by docker-compose.yml', () => {
  it('are files of scripts/docker, mounted read-only', () => {
    const mounted = scriptMounts()
    expect(mounted.length).toBeGreaterThanOrEqual(5)
    for (const { service, script, readOnly } of mounted) {
      expect(script, service).toMatch(/^scripts\/docker\/[\w.-]+\.sh$/)
      expect(statSync(repoPath(script)).isFile(), script).toBe(true)
      expect(readOnly, `${service}: ${script} mounted :ro`).toBe(true)
    }
  })

  it('are executable on disk and in git', () => {
    for (const { script } of scriptMounts()) {
      expect(statSync(repoPath(script)).mode & 0o111, `chmod +x ${script}`).toBe(0o111)
      const mode = gitMode(script)
      if (mode !== '') expect(mode, `git update-index --chmod=+x ${script}`).toBe('100755')
    }
  })

  it('parse with sh -n (and bash -n when they ask for bash)', () => {
    for (const { script } of scriptMounts()) {
      const text = readFileSync(repoPath(script), 'utf8')
      const shebang = text.split('\n')[0] ?? ''
      expect(shebang, script).toMatch(/^#!\/(usr\/bin\/env (ba)?sh|bin\/(ba)?sh)$/)
      const shell = shebang.endsWith('bash') ? 'bash' : 'sh'
      const parsed = spawnSync(shell, ['-n', repoPath(script)], { encoding: 'utf8' })
      expect(parsed.stderr, `${shell} -n ${script}`).toBe('')
      expect(parsed.status, `${shell} -n ${script}`).toBe(0)
    }
  })

  it('pass shellcheck (when installed)', ({ skip }) => {
    const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' })
    if (probe.error !== undefined) skip('shellcheck is not installed (apt-get install -y shellcheck)')
    for (const { script } of scriptMounts()) {
      const checked = spawnSync('shellcheck', [repoPath(script)], { encoding: 'utf8' })
      expect(checked.stdout, script).toBe('')
      expect(checked.status, script).toBe(0)
    }
  })

  it('cover every script in scripts/docker', () => {
    const mounted = new Set(scriptMounts().map((mount) => mount.script))
    for (const name of readdirSync(repoPath('scripts/docker'))) {
      expect(mounted, `scripts/docker/${name} is mounted by no service`).toContain(`scripts/docker/${name}`)
    }
  })

  it('run the way each service calls them: the entrypoint or healthcheck names the mounted path', () => {
    for (const { service, target } of scriptMounts()) {
      const s = config.services[service]
      const uses = [s?.entrypoint, s?.command, s?.healthcheck?.test].flat().filter(Boolean).join(' ')
      const initScript = target.startsWith('/docker-entrypoint-initdb.d/')
      expect(initScript || uses.includes(target), `${service} mounts ${target} but never runs it`).toBe(true)
    }
  })
})
