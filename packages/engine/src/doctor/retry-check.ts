/**
 * DORM-D008 (note): transient-error retry is off. Read through `retryAttempts()`, so the setting,
 * `DORM_RETRY_ATTEMPTS` and the default resolve exactly as the query path sees them (the Python
 * original read only the environment variable and so flagged apps that set it in settings).
 */
import { retryAttempts } from '../conf/settings.js'
import { type DoctorContext, type DoctorFinding, note } from './doctor-check.js'

/**
 * A note when RETRY_ATTEMPTS resolves to 1.
 *
 * @example
 * ```ts
 * configure({ RETRY_ATTEMPTS: 1 })
 * checkRetry(doctorContext()) // [{ level: 'note', code: 'DORM-D008', ... }]
 * ```
 */
export function checkRetry(_context: DoctorContext): DoctorFinding[] {
  if (retryAttempts() > 1) return []
  return [
    note(
      'DORM-D008',
      'RETRY_ATTEMPTS resolves to 1: transient errors (network blips, failovers, SQLite busy) will surface to ' +
        'callers without retry. Set RETRY_ATTEMPTS (or DORM_RETRY_ATTEMPTS) to 3 or more unless that is deliberate.',
    ),
  ]
}
