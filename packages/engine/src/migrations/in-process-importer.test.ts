import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { inProcessImporter } from './in-process-importer.js'
import { nativeImporter } from './migration-loader.js'
import { AddField } from './operations/field-operations.js'

const dir = mkdtempSync(join(tmpdir(), 'dorm-in-process-'))
const engine = resolve(import.meta.dirname, '..')

function write(name: string, source: string): string {
  const path = join(dir, name)
  writeFileSync(path, source)
  return path
}

const ENGINE_ONLY = [
  `import { IntegerField } from '${engine}/index.js'`,
  `import { AddField, migration } from '${engine}/migrations/index.js'`,
  'const field: IntegerField = new IntegerField({ null: true })',
  "export default migration({ operations: [new AddField({ modelName: 'item', name: 'score', field })] })",
].join('\n')

function tracked() {
  const calls: string[] = []
  const importer = inProcessImporter(async (path) => {
    calls.push(path)
    return nativeImporter(path)
  })
  return { calls, importer }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('inProcessImporter', () => {
  it('evaluates a file importing only the engine in-process, bound to the loaded engine', async () => {
    const path = write('0001_engine_only.ts', ENGINE_ONLY)
    const { calls, importer } = tracked()
    const module = await importer(path)
    const definition = module.default as { operations: unknown[] }
    expect(calls).toEqual([])
    expect(definition.operations[0]).toBeInstanceOf(AddField)
  })

  it('transpiles a prepared batch once and still falls back per file', async () => {
    const good = write('0002_good.ts', ENGINE_ONLY)
    const broken = write('0003_broken.ts', 'export default migration({ operations: [ }')
    const { calls, importer } = tracked()
    await importer.prepare([good, broken])
    expect((await importer(good)).default).toBeDefined()
    await expect(importer(broken)).rejects.toThrow()
    expect(calls).toEqual([broken])
  })

  it('hands files that need the real module loader to the fallback', async () => {
    write('helper.ts', 'export const NAME = "from helper"\n')
    const localImport = write('0004_local.ts', "import { NAME } from './helper.js'\nexport default { name: NAME }\n")
    const meta = write('0005_meta.ts', 'export default { url: import.meta.url }\n')
    const topLevelAwait = write('0006_await.ts', 'const value = await Promise.resolve(3)\nexport default { value }\n')
    const dynamic = write('0007_dynamic.ts', "export default { load: () => import('node:path') }\n")
    const { calls, importer } = tracked()
    expect((await importer(localImport)).default).toEqual({ name: 'from helper' })
    expect(((await importer(meta)).default as { url: string }).url).toContain('0005_meta.ts')
    expect((await importer(topLevelAwait)).default).toEqual({ value: 3 })
    expect((await importer(dynamic)).default).toBeDefined()
    expect(calls).toEqual([localImport, meta, topLevelAwait, dynamic])
  })

  it('lets node builtins through and surfaces an error thrown while the file runs', async () => {
    const builtin = write(
      '0008_builtin.ts',
      "import { basename } from 'node:path'\nexport default { base: basename('/a/b.ts') }\n",
    )
    const throwing = write(
      '0009_throws.ts',
      `import { migration } from '${engine}/migrations/index.js'\nthrow new Error('boom while building')\n`,
    )
    const { calls, importer } = tracked()
    expect((await importer(builtin)).default).toEqual({ base: 'b.ts' })
    await expect(importer(throwing)).rejects.toThrow('boom while building')
    expect(calls).toEqual([])
  })
})
