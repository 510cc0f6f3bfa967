/**
 * `dorm migrate` killed with SIGKILL in the middle of a slow migration (a bulk insert, then a slow
 * statement): nothing of it is half-applied (no table, no rows, no recorder row), the PostgreSQL
 * migrate lock is released when the killed session ends, and a rerun applies it exactly once.
 *
 * What the kill leaves on PostgreSQL: the server does not notice a dead client while a statement
 * runs, so the orphaned session finishes its current statement (here the pg_sleep), then fails to
 * send the result, rolls back and ends, releasing the advisory lock. A rerun in that window waits on
 * the lock (measured as `rerunTotalMs`) and then applies the migration.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import { databaseProbe } from './support/database-probe.js'
import { freshMigrateDatabase, migrateBackends } from './support/databases.js'
import { markerTableMigration, slowBulkMigration } from './support/migration-sources.js'
import { createProject } from './support/project.js'

const rounds = pick({ short: 1, full: 4 })
const bulkRows = pick({ short: 50_000, full: 200_000 })
const slowSeconds = pick({ short: 2, full: 3 })

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe.each(migrateBackends)('dorm migrate killed with SIGKILL mid-migration on %s', (backend) => {
  const project = createProject({
    '0001_initial.ts': markerTableMigration(),
    '0002_bulk.ts': slowBulkMigration(backend, '0001_initial', bulkRows, slowSeconds),
  })
  afterAll(() => project.remove())

  it('leaves nothing half-applied, frees the lock, and reruns exactly once', { timeout: 600_000 }, async () => {
    const log: string[] = []
    const figures = { kills: 0, halfApplied: 0, cleanReruns: 0, duplicates: 0, lockHeldAfterKillMs: [] as number[] }
    const rerunTotalMs: number[] = []
    for (let round = 1; round <= rounds; round++) {
      const url = await freshMigrateDatabase(backend, `killed_${backend}_${round}`)
      const env = { DATABASE_URL: url }
      const probe = await databaseProbe(backend, url)
      try {
        const started = project.start(['migrate'], env)
        let output = ''
        started.child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString()
        })
        await waitFor(async () => output.includes('Applying rel.0002_bulk...'), 'migrate to start 0002_bulk')
        // kill while the migration's statements run: on PostgreSQL once the slow statement is active,
        // on SQLite a moment into the bulk insert (its transaction has written the table and rows)
        if (backend === 'postgres') {
          await waitFor(async () => (await probe.runningStatements('pg_sleep(')).length > 0, 'the slow statement')
        } else {
          await new Promise((resolve) => setTimeout(resolve, 300))
        }
        const orphans = await probe.lockHolders() // the killed run's session (PostgreSQL)
        const killedAt = performance.now()
        started.child.kill('SIGKILL')
        const killed = await started.done
        figures.kills++
        log.push(`--- ${backend} round ${round}: killed (${killed.signal})\n${killed.stdout}${killed.stderr}`)
        expect(killed.signal).toBe('SIGKILL')
        if (backend === 'postgres') expect(orphans).toHaveLength(1)
        expect(killed.stdout).not.toContain('Applying rel.0002_bulk... OK')

        // nothing of 0002 is visible: no table, no marker, no recorder row
        const recorded = await probe.recorded()
        const tables = await probe.tables()
        if (recorded.includes('rel.0002_bulk') || tables.includes('rel_bulk')) figures.halfApplied++
        expect(recorded).toEqual(['rel.0001_initial'])
        expect(tables).toEqual(['rel_marker'])
        expect(await probe.markers()).toEqual([])

        // the rerun starts at once: it waits for the lock while the orphaned session finishes
        const rerunStarted = performance.now()
        const rerunRun = project.dorm(['migrate'], env)
        await waitFor(
          async () => !(await probe.lockHolders()).some((pid) => orphans.includes(pid)),
          'the killed session to let go of the migrate lock',
          120_000,
        )
        figures.lockHeldAfterKillMs.push(Math.round(performance.now() - killedAt))
        const rerun = await rerunRun
        log.push(`--- rerun: exit ${rerun.code} in ${Math.round(rerun.elapsedMs)} ms\n${rerun.stdout}${rerun.stderr}`)
        await recordOutput(`migrations-killed-${backend}`, log.join('\n'))
        expect(rerun.stderr).toBe('')
        expect(rerun.code).toBe(0)
        expect(rerun.stdout).toBe('  Applying rel.0002_bulk... OK\n')
        rerunTotalMs.push(Math.round(performance.now() - rerunStarted))

        const after = await probe.recorded()
        figures.duplicates += after.length - new Set(after).size
        expect(after).toEqual(['rel.0001_initial', 'rel.0002_bulk'])
        expect(await probe.count('rel_bulk')).toBe(bulkRows)
        expect(await probe.markers()).toEqual(['bulk'])
        expect(await probe.lockHolders()).toEqual([])
        figures.cleanReruns++
      } finally {
        await probe.close()
      }
    }
    await recordOutput(`migrations-killed-${backend}`, log.join('\n'))
    await recordFigures(`migrations-killed-${backend}`, {
      backend,
      rounds,
      bulkRows,
      slowStatementSeconds: slowSeconds,
      ...figures,
      rerunTotalMs,
    })
  })
})
