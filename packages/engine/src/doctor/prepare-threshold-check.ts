/**
 * DORM-D018: PREPARE_THRESHOLD is not null on an alias that goes through a transaction pooler. A
 * named prepared statement lives on one server connection; the pooler hands the next transaction
 * another one, where it does not exist (`prepared statement "..." does not exist`).
 */
import { type DoctorContext, type DoctorFinding, postgresAliases, warning } from './doctor-check.js'
import { poolerReason } from './pooler-detection.js'

/**
 * A warning per pooled alias that still server-prepares statements.
 *
 * @example
 * ```ts
 * configure({ DATABASES: { default: 'postgres://app@bouncer:6432/app' } })
 * checkPrepareThreshold(doctorContext()) // [{ code: 'DORM-D018', ... }]
 * ```
 */
export function checkPrepareThreshold(context: DoctorContext): DoctorFinding[] {
  const findings: DoctorFinding[] = []
  for (const [alias, db] of postgresAliases(context)) {
    const reason = poolerReason(db)
    if (reason === undefined || db.PREPARE_THRESHOLD === null) continue
    findings.push(
      warning(
        'DORM-D018',
        `DATABASES['${alias}']: PREPARE_THRESHOLD=${db.PREPARE_THRESHOLD} behind a connection pooler (${reason}); ` +
          'named prepared statements break under transaction pooling. Set PREPARE_THRESHOLD: null.',
        { alias },
      ),
    )
  }
  return findings
}
