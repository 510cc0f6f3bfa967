/**
 * `/settings`: environments and API keys (lib/keys.ts, shared with the operator CLI). A new key's
 * secret is shown once; afterwards only its prefix is listed. Revoked keys get 401 at once.
 */
import { requireSession } from '../../lib/auth'
import { listEnvironments, listKeys } from '../../lib/keys'
import { formatTime } from '../../ui/format'
import { NewEnvironmentForm, NewKeyForm } from '../../ui/settings-forms'
import { addEnvironment, addKey, revoke } from './actions'

export const dynamic = 'force-dynamic'

/** The settings page. */
export default async function SettingsPage() {
  await requireSession('/settings')
  const [environments, keys] = await Promise.all([listEnvironments(), listKeys()])
  return (
    <>
      <h1>Settings</h1>
      <h2>Environments</h2>
      {environments.length === 0 ? <p className="muted">None yet: create the first one.</p> : null}
      <ul>
        {environments.map((e) => (
          <li key={e.id}>
            <strong>{e.name}</strong> <span className="muted">created {formatTime(e.created_at)}</span>
          </li>
        ))}
      </ul>
      <NewEnvironmentForm action={addEnvironment} />
      <h2>API keys</h2>
      <p className="muted">
        Ingest keys are for the exporter (<code>startTelemetry</code>), CI keys for the Action&apos;s deploy reports. A
        key only writes to its own environment.
      </p>
      <NewKeyForm action={addKey} environments={environments.map((e) => e.name)} />
      {keys.length === 0 ? (
        <p className="muted">No key yet.</p>
      ) : (
        <table data-testid="keys-table">
          <thead>
            <tr>
              <th>Environment</th>
              <th>Kind</th>
              <th>Label</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-testid="key-row">
                <td>{k.environment}</td>
                <td>{k.kind}</td>
                <td>{k.label || <span className="muted">–</span>}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{formatTime(k.created_at)}</td>
                <td>{k.last_used_at ? formatTime(k.last_used_at) : <span className="muted">never</span>}</td>
                <td>
                  {k.revoked_at ? (
                    <span className="badge error">revoked {formatTime(k.revoked_at)}</span>
                  ) : (
                    <form action={revoke} className="inline">
                      <input type="hidden" name="id" value={k.id} />
                      <button type="submit" className="danger" aria-label={`Revoke key ${k.prefix}`}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
