import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MigrationError } from '../../errors.js'
import { changedFilesSince, gitTopLevel, isChanged } from './changed-files.js'

let repo = ''

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: repo, stdio: 'ignore' })
}

function write(path: string, text = 'export default 1\n'): void {
  mkdirSync(join(repo, path, '..'), { recursive: true })
  writeFileSync(join(repo, path), text)
}

beforeAll(() => {
  repo = realpathSync(mkdtempSync(join(tmpdir(), 'dorm-changed-')))
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'test@example.com')
  git('config', 'user.name', 'test')
  git('config', 'commit.gpgsign', 'false')
  write('shop/migrations/0001_initial.ts')
  write('shop/migrations/0002_old.ts')
  write('shop/migrations/0003_gone.ts')
  git('add', '.')
  git('commit', '-q', '-m', 'base')
  git('tag', 'base')
  write('shop/migrations/0004_committed.ts')
  write('shop/migrations/0002_old.ts', 'export default 2\n')
  git('add', '.')
  git('commit', '-q', '-m', 'change')
  write('shop/migrations/0005_staged.ts')
  git('add', 'shop/migrations/0005_staged.ts')
  write('shop/migrations/0001_initial.ts', 'export default 3\n')
  write('shop/migrations/0006 untracked.ts')
  unlinkSync(join(repo, 'shop/migrations/0003_gone.ts'))
})

afterAll(() => {
  rmSync(repo, { recursive: true, force: true })
})

describe('changedFilesSince', () => {
  it('lists committed, staged, unstaged and untracked changes, not deleted files', () => {
    const changed = changedFilesSince('base', join(repo, 'shop'))
    expect([...changed].sort()).toEqual(
      ['0001_initial.ts', '0002_old.ts', '0004_committed.ts', '0005_staged.ts', '0006 untracked.ts'].map((name) =>
        join(repo, 'shop/migrations', name),
      ),
    )
    expect(isChanged('migrations/0004_committed.ts', join(repo, 'shop'), changed)).toBe(true)
    expect(isChanged('shop/migrations/0003_gone.ts', repo, changed)).toBe(false)
  })

  it('HEAD leaves only the uncommitted changes', () => {
    expect([...changedFilesSince('HEAD', repo)].sort()).toEqual(
      ['0001_initial.ts', '0005_staged.ts', '0006 untracked.ts'].map((n) => join(repo, 'shop/migrations', n)),
    )
  })

  it('a bad ref is a MigrationError naming it', () => {
    expect(() => changedFilesSince('no-such-ref', repo)).toThrow(MigrationError)
    expect(() => changedFilesSince('no-such-ref', repo)).toThrow("Unknown git ref 'no-such-ref' for --since.")
  })

  it('finds the top level, and fails outside a repository', () => {
    expect(gitTopLevel(join(repo, 'shop/migrations'))).toBe(repo)
    const outside = mkdtempSync(join(tmpdir(), 'dorm-nogit-'))
    try {
      expect(() => gitTopLevel(outside)).toThrow(/--since needs a git repository/)
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  })
})
