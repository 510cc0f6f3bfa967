/**
 * TLS to remote PostgreSQL hosts: DORM-D005 no OPTIONS.sslmode for a non-local host, DORM-D006
 * sslmode `allow` / `prefer` for one. node-postgres cannot fall back between TLS and plaintext the
 * way libpq does, so dorm maps those two modes to no TLS at all; they look safe and are not.
 */
import { type DoctorContext, type DoctorFinding, isLocalHost, postgresAliases, warning } from './doctor-check.js'

/**
 * The sslmode findings of every PostgreSQL alias with a remote HOST.
 *
 * @example
 * ```ts
 * checkSslMode(doctorContext()) // [{ level: 'warning', code: 'DORM-D005', ... }]
 * ```
 */
export function checkSslMode(context: DoctorContext): DoctorFinding[] {
  const findings: DoctorFinding[] = []
  for (const [alias, db] of postgresAliases(context)) {
    if (isLocalHost(db.HOST)) continue
    const where = `DATABASES['${alias}']`
    const mode = db.OPTIONS.sslmode
    if (mode === undefined || mode === null || mode === '') {
      findings.push(
        warning(
          'DORM-D005',
          `${where}: no OPTIONS.sslmode for the non-local host '${db.HOST}'; set 'require' (or 'verify-full' if you ` +
            'have a CA) to avoid plaintext.',
          { alias },
        ),
      )
    } else if (mode === 'allow' || mode === 'prefer') {
      findings.push(
        warning(
          'DORM-D006',
          `${where}: OPTIONS.sslmode='${mode}' for the non-local host '${db.HOST}' connects without TLS (node-postgres ` +
            "cannot fall back between the two as libpq does); set 'require' or 'verify-full'.",
          { alias },
        ),
      )
    }
  }
  return findings
}
