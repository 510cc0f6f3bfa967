/**
 * Four `dorm migrate` processes started at once on one empty database, through the real CLI of a
 * generated project: every migration is applied exactly once (one recorder row each, one table
 * each, one marker row written by each data migration) and every process exits 0. Migration 0001
 * takes a second, so the other processes plan from an empty recorder while the first applies it:
 * on PostgreSQL they wait on the advisory lock, on SQLite they queue on BEGIN IMMEDIATE and then
 * find the step recorded (`skipped: another dorm migrate applied it meanwhile`).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { databaseProbe } from './support/database-probe.js'
import { freshMigrateDatabase, migrateBackends } from './support/databases.js'
import { markerTableMigration, slowStatement, stepFile, stepMigration, stepName } from './support/migration-sources.js'
import { type CliRun, createProject } from './support/project.js'

const processes = 4
const rounds = pick({ short: 1, full: 10 })
const steps = pick({ short: 4, full: 12 })

describe.each(migrateBackends)('concurrent dorm migrate on %s', (backend) => {
  // 0001 takes a second: the other processes read the recorder while the first one is applying it
  const files: Record<string, string> = { '0001_initial.ts': markerTableMigration([slowStatement(backend, 1)]) }
  for (let n = 2; n <= steps + 1; n++) files[stepFile(n)] = stepMigration(n, n === 2 ? '0001_initial' : stepName(n - 1))
  const project = createProject(files)
  afterAll(() => project.remove())

  it(`applies each migration exactly once with ${processes} concurrent runs`, { timeout: 600_000 }, async () => {
    const expected = ['rel.0001_initial', ...Array.from({ length: steps }, (_, i) => `rel.${stepName(i + 2)}`)]
    const log: string[] = []
    let exitZero = 0
    let nothingToDo = 0
    let duplicates = 0
    let runsApplying = 0
    let skippedSteps = 0
    const elapsed: number[] = []
    for (let round = 1; round <= rounds; round++) {
      const url = await freshMigrateDatabase(backend, `concurrent_${backend}_${round}`)
      const runs: CliRun[] = await Promise.all(
        Array.from({ length: processes }, () => project.dorm(['migrate'], { DATABASE_URL: url })),
      )
      for (const [i, run] of runs.entries()) {
        log.push(`--- ${backend} round ${round} process ${i + 1}: exit ${run.code}\n${run.stdout}${run.stderr}`)
        elapsed.push(run.elapsedMs)
      }
      await recordOutput(`migrations-concurrent-${backend}`, log.join('\n'))
      expect(runs.map((run) => run.stderr)).toEqual(runs.map(() => ''))
      expect(runs.map((run) => run.code)).toEqual(runs.map(() => 0))
      exitZero += runs.length
      nothingToDo += runs.filter((run) => run.stdout === '  No migrations to apply.\n').length
      runsApplying += runs.filter((run) => / OK\n/.test(run.stdout)).length
      skippedSteps += runs.reduce(
        (sum, run) => sum + (run.stdout.match(/skipped: another dorm migrate/g)?.length ?? 0),
        0,
      )
      // between them, the processes applied each migration once
      const appliedLines = runs.flatMap((run) => [...run.stdout.matchAll(/Applying (\S+)\.\.\. OK/g)].map((m) => m[1]))
      expect(appliedLines.sort()).toEqual([...expected].sort())

      const probe = await databaseProbe(backend, url)
      try {
        const recorded = await probe.recorded()
        duplicates += recorded.length - new Set(recorded).size
        expect(recorded).toEqual(expected)
        expect(await probe.markers()).toEqual(Array.from({ length: steps }, (_, i) => `step ${i + 2}`))
        expect(await probe.tables()).toEqual(
          ['rel_marker', ...Array.from({ length: steps }, (_, i) => `rel_step${i + 2}`)].sort(),
        )
        expect(await probe.columns('rel_step2')).toEqual(['id', 'label', 'weight'])
        expect(await probe.lockHolders()).toEqual([])
      } finally {
        await probe.close()
      }
    }
    await recordOutput(`migrations-concurrent-${backend}`, log.join('\n'))
    await recordFigures(`migrations-concurrent-${backend}`, {
      backend,
      rounds,
      processesPerRound: processes,
      migrationsPerRound: expected.length,
      runs: rounds * processes,
      exitZero,
      runsThatApplied: runsApplying,
      runsWithNothingToDo: nothingToDo,
      stepsSkippedAsAppliedByAnotherRun: skippedSteps,
      migrationsApplied: rounds * expected.length,
      duplicates,
      slowestRunMs: Math.round(Math.max(...elapsed)),
      fastestRunMs: Math.round(Math.min(...elapsed)),
    })
  })
})
