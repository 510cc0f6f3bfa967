/**
 * Where the reliability suite leaves its evidence: the figures of each scenario (JSON, quoted by
 * docs/reliability.md) and the text each scenario printed or logged (scanned for planted secrets by
 * `reliability/secrets/`). Both go under `test/artifacts/` (gitignored), one file per scenario,
 * overwritten by each run.
 *
 * @example
 * ```ts
 * await recordFigures('pg-restart', { writers: 50, acknowledged: 4210, missing: 0, duplicated: 0 })
 * await recordOutput('pg-restart', logLines.join('\n'))
 * ```
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { reliabilityScale } from './scale.js'

/** `test/artifacts/` */
export const artifactsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts')

/** Writes `artifacts/reliability/<scenario>.json` with the figures, the scale and the time. */
export async function recordFigures(scenario: string, figures: Record<string, unknown>): Promise<void> {
  const file = join(artifactsDir, 'reliability', `${scenario}.json`)
  await mkdir(dirname(file), { recursive: true })
  const record = { scenario, scale: reliabilityScale(), recordedAt: new Date().toISOString(), ...figures }
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`)
}

/** Writes `artifacts/outputs/<scenario>.log`: what the scenario printed, for the secrets scan. */
export async function recordOutput(scenario: string, text: string): Promise<void> {
  const file = join(artifactsDir, 'outputs', `${scenario}.log`)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, text)
}
