/**
 * A migration whose 3rd operation of 4 fails, run through the real CLI: the migrations before it
 * stay applied, nothing of it remains (its table, its data row, its recorder row), the migration
 * after it is not applied, the exit code is non-zero and the message names the migration and the
 * failed statement; once the file is fixed, a rerun applies it and the next one exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { databaseProbe } from './support/database-probe.js'
import { freshMigrateDatabase, migrateBackends } from './support/databases.js'
import { brokenMigration, markerTableMigration, stepMigration } from './support/migration-sources.js'
import { createProject } from './support/project.js'

const rounds = pick({ short: 1, full: 5 })
const failingSql = 'INSERT INTO rel_no_such_table (x) VALUES (1)'
const fixedSql = "UPDATE rel_marker SET note = 'broken, fixed' WHERE note = 'broken'"

describe.each(migrateBackends)('a migration failing in operation 3 of 4 on %s', (backend) => {
  const project = createProject({
    '0001_initial.ts': markerTableMigration(),
    '0002_step2.ts': stepMigration(2, '0001_initial'),
    '0003_broken.ts': brokenMigration('0002_step2', failingSql),
    '0004_step4.ts': stepMigration(4, '0003_broken'),
  })
  afterAll(() => project.remove())

  it('leaves nothing of it, applies nothing after it, and reruns cleanly once fixed', {
    timeout: 600_000,
  }, async () => {
    const log: string[] = []
    const figures = { failedRuns: 0, nonZeroExits: 0, halfApplied: 0, laterApplied: 0, cleanReruns: 0, duplicates: 0 }
    for (let round = 1; round <= rounds; round++) {
      project.writeMigration('0003_broken.ts', brokenMigration('0002_step2', failingSql))
      const url = await freshMigrateDatabase(backend, `failing_${backend}_${round}`)
      const env = { DATABASE_URL: url }
      const probe = await databaseProbe(backend, url)
      try {
        const failed = await project.dorm(['migrate'], env)
        const failedJson = await project.dorm(['migrate', '--format', 'json'], env)
        log.push(`--- ${backend} round ${round}: exit ${failed.code}\n${failed.stdout}${failed.stderr}`)
        log.push(`--- json: exit ${failedJson.code}\n${failedJson.stdout}${failedJson.stderr}`)
        await recordOutput(`migrations-failing-operation-${backend}`, log.join('\n'))
        figures.failedRuns += 2
        figures.nonZeroExits += [failed, failedJson].filter((run) => run.code !== 0).length
        expect(failed.code).toBe(1)
        expect(failed.stdout).toBe(
          '  Applying rel.0001_initial... OK\n  Applying rel.0002_step2... OK\n  Applying rel.0003_broken...',
        )
        expect(failed.stderr).toMatch(
          /^ProgrammingError: Migration rel\.0003_broken failed in operation 3 of 4 \(RunSQL, statement `INSERT INTO rel_no_such_table \(x\) VALUES \(1\)`\): .*rel_no_such_table.*\. Nothing of rel\.0003_broken was applied or recorded \(rolled back\): fix .*0003_broken\.ts and run dorm migrate again\.\n$/,
        )
        expect(failedJson.code).toBe(1)
        const report = JSON.parse(failedJson.stdout)
        expect(report).toMatchObject({
          applied: [],
          pending: ['rel.0003_broken', 'rel.0004_step4'],
          error: {
            code: 'PROGRAMMING_ERROR',
            migration: 'rel.0003_broken',
            message: expect.stringContaining('Migration rel.0003_broken failed in operation 3 of 4 (RunSQL'),
          },
        })

        const recorded = await probe.recorded()
        const tables = await probe.tables()
        const markers = await probe.markers()
        if (tables.includes('rel_broken') || markers.includes('broken') || recorded.includes('rel.0003_broken')) {
          figures.halfApplied++
        }
        if (recorded.includes('rel.0004_step4') || tables.includes('rel_step4')) figures.laterApplied++
        expect(recorded).toEqual(['rel.0001_initial', 'rel.0002_step2'])
        expect(tables).toEqual(['rel_marker', 'rel_step2'])
        expect(markers).toEqual(['step 2'])

        project.writeMigration('0003_broken.ts', brokenMigration('0002_step2', fixedSql))
        const rerun = await project.dorm(['migrate'], env)
        log.push(`--- rerun after the fix: exit ${rerun.code}\n${rerun.stdout}${rerun.stderr}`)
        expect(rerun.stderr).toBe('')
        expect(rerun.code).toBe(0)
        expect(rerun.stdout).toBe('  Applying rel.0003_broken... OK\n  Applying rel.0004_step4... OK\n')
        const after = await probe.recorded()
        figures.duplicates += after.length - new Set(after).size
        expect(after).toEqual(['rel.0001_initial', 'rel.0002_step2', 'rel.0003_broken', 'rel.0004_step4'])
        expect(await probe.markers()).toEqual(['step 2', 'broken, fixed', 'step 4'])
        expect(await probe.columns('rel_broken')).toEqual(['id', 'label', 'weight'])
        expect((await project.dorm(['migrate'], env)).stdout).toBe('  No migrations to apply.\n')
        figures.cleanReruns++
      } finally {
        await probe.close()
      }
    }
    await recordOutput(`migrations-failing-operation-${backend}`, log.join('\n'))
    await recordFigures(`migrations-failing-operation-${backend}`, { backend, rounds, ...figures })
  })
})
