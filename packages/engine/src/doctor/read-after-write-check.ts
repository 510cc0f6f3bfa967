/**
 * DORM-D009 (note): READ_AFTER_WRITE_WINDOW is 0 (or null), so sticky reads are off and a read
 * right after a write may be routed to a replica that has not replayed it yet.
 */
import { readAfterWriteWindow } from '../conf/settings.js'
import { type DoctorContext, type DoctorFinding, note } from './doctor-check.js'

/**
 * A note when the read-after-write window is disabled.
 *
 * @example
 * ```ts
 * configure({ READ_AFTER_WRITE_WINDOW: 0 })
 * checkReadAfterWrite(doctorContext()) // [{ level: 'note', code: 'DORM-D009', ... }]
 * ```
 */
export function checkReadAfterWrite(_context: DoctorContext): DoctorFinding[] {
  const window = readAfterWriteWindow()
  if (window !== null && window > 0) return []
  return [
    note(
      'DORM-D009',
      `READ_AFTER_WRITE_WINDOW is ${window === null ? 'null' : 0}: reads right after a write may be routed to a ` +
        'replica that has not caught up. Keep the default (3 s) unless no router sends reads to replicas.',
    ),
  ]
}
