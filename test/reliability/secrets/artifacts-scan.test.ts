/**
 * The suite-wide scan: every output the reliability scenarios recorded (`artifacts/outputs/*.log`:
 * what they printed, logged, returned or rendered) and every figures file (`artifacts/reliability/`)
 * is searched for the planted canaries, raw, URL-encoded and base64. It reads what is there when it
 * runs: the outputs of the files that ran before it in this run, and the latest of every other.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { artifactsDir, recordFigures } from '../../support/figures.js'
import { scanForCanaries } from './support/scan.js'

async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.map((name) => join(dir, name))
}

test('no recorded output of the suite holds a canary', async () => {
  const started = Date.now()
  const files = [
    ...(await filesUnder(join(artifactsDir, 'outputs'))),
    ...(await filesUnder(join(artifactsDir, 'reliability'))).filter((file) => !file.endsWith('secrets-scan.json')),
  ]
  const outputs: Array<{ name: string; text: string }> = []
  let oldest = Number.POSITIVE_INFINITY
  for (const file of files) {
    if (!(await stat(file)).isFile()) continue
    oldest = Math.min(oldest, (await stat(file)).mtimeMs)
    outputs.push({ name: file.slice(artifactsDir.length + 1), text: await readFile(file, 'utf8') })
  }
  const scan = scanForCanaries(outputs)
  const areas = new Set(outputs.map(({ name }) => name.split('/')[1]?.split(/[-.]/)[0]))
  await recordFigures('secrets-scan', {
    files: scan.outputs,
    bytesScanned: scan.bytes,
    scenariosCovered: outputs.filter(({ name }) => name.startsWith('outputs/')).length,
    areasCovered: [...areas].sort(),
    oldestOutputAgeS: Number.isFinite(oldest) ? Math.round((started - oldest) / 1000) : null,
    leaks: scan.leaks.length,
    leakedIn: scan.leaks.map((leak) => `${leak.name}: ${leak.canary} (${leak.form}) …${leak.context}…`),
  })
  expect(scan.leaks).toEqual([])
})
