/**
 * Runs the secrets scan of recorded outputs (`reliability/secrets/artifacts-scan.test.ts`) after
 * every other file, so it reads what the whole run recorded; the rest keep vitest's own order.
 *
 * @example
 * ```ts
 * defineConfig({ test: { sequence: { sequencer: SecretsScanLast } } })
 * ```
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const LAST = 'artifacts-scan.test.ts'

export class SecretsScanLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const isLast = (file: TestSpecification) => file.moduleId.endsWith(LAST)
    return [...sorted.filter((file) => !isLast(file)), ...sorted.filter(isLast)]
  }
}
