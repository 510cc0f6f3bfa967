import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { IntegrityError, OperationalError, PoolTimeout } from './errors.js'

describe('error names', () => {
  it('are the class names', () => {
    expect(new OperationalError('x').name).toBe('OperationalError')
    expect(new IntegrityError('x').name).toBe('IntegrityError')
    expect(new PoolTimeout('x', { alias: 'default', timeoutMs: 1 }).name).toBe('PoolTimeout')
  })

  it('survive a minified bundle (a bundled server build renames or drops class names)', async () => {
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('./errors.ts', import.meta.url))],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      write: false,
    })
    const dir = await mkdtemp(join(tmpdir(), 'dorm-errors-'))
    try {
      const file = join(dir, 'errors.mjs')
      await writeFile(file, bundled.outputFiles[0]?.text ?? '')
      const minified = (await import(pathToFileURL(file).href)) as typeof import('./errors.js')
      const error = new minified.OperationalError('connection refused')
      expect(error.name).toBe('OperationalError')
      expect(minified.describeError(error)).toBe('OperationalError: connection refused')
      expect(new minified.DormError('x').name).toBe('DormError')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
