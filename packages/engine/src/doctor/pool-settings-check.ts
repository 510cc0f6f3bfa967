/**
 * Pool sizing on each PostgreSQL alias: DORM-D001 MAX_POOL_SIZE below 4, DORM-D002 MIN_POOL_SIZE
 * above MAX_POOL_SIZE, DORM-D003 POOL_TIMEOUT above 60 s (warnings), DORM-D004 POOL_CHECK off (note).
 */
import { type DoctorContext, type DoctorFinding, note, postgresAliases, warning } from './doctor-check.js'

/**
 * The pool findings of every PostgreSQL alias.
 *
 * @example
 * ```ts
 * checkPoolSettings(doctorContext()) // [{ level: 'warning', code: 'DORM-D001', ... }]
 * ```
 */
export function checkPoolSettings(context: DoctorContext): DoctorFinding[] {
  const findings: DoctorFinding[] = []
  for (const [alias, db] of postgresAliases(context)) {
    const where = `DATABASES['${alias}']`
    if (db.MAX_POOL_SIZE < 4) {
      findings.push(
        warning(
          'DORM-D001',
          `${where}: MAX_POOL_SIZE=${db.MAX_POOL_SIZE} is small for production; raise to 10–20 unless this is a ` +
            'worker-per-process layout.',
          { alias },
        ),
      )
    }
    // configure() already refuses this; hand-built settings can still carry it
    if (db.MIN_POOL_SIZE > db.MAX_POOL_SIZE) {
      findings.push(
        warning(
          'DORM-D002',
          `${where}: MIN_POOL_SIZE (${db.MIN_POOL_SIZE}) > MAX_POOL_SIZE (${db.MAX_POOL_SIZE}) — the pool will refuse ` +
            'to open. Lower MIN_POOL_SIZE or raise MAX_POOL_SIZE.',
          { alias },
        ),
      )
    }
    if (db.POOL_TIMEOUT > 60) {
      findings.push(
        warning(
          'DORM-D003',
          `${where}: POOL_TIMEOUT=${db.POOL_TIMEOUT}s is long; callers will appear stuck on saturation. Aim for 5–30s.`,
          { alias },
        ),
      )
    }
    if (!db.POOL_CHECK) {
      findings.push(
        note(
          'DORM-D004',
          `${where}: POOL_CHECK=false — fine on hot paths but expect the occasional dead-connection surprise ` +
            'during PostgreSQL restarts and failovers.',
          { alias },
        ),
      )
    }
  }
  return findings
}
