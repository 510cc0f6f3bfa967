'use client'
/**
 * The settings forms: new environment, and new key (showing its secret once, in
 * `data-testid="new-key-secret"`). The server actions come in as props.
 *
 * @example
 * ```tsx
 * <NewKeyForm action={addKey} environments={['production']} />
 * ```
 */
import { useActionState } from 'react'

/** The state a settings action returns. */
export interface FormState {
  ok: boolean
  message: string
  secret?: string
  prefix?: string
}

type FormAction = (previous: FormState, formData: FormData) => Promise<FormState>

const INITIAL: FormState = { ok: true, message: '' }

function Message({ state }: { state: FormState }) {
  if (!state.message) return null
  return (
    <p className={state.ok ? 'muted' : 'error-text'} role={state.ok ? 'status' : 'alert'}>
      {state.message}
    </p>
  )
}

/** The new-environment form. */
export function NewEnvironmentForm({ action }: { action: FormAction }) {
  const [state, formAction, pending] = useActionState(action, INITIAL)
  return (
    <form action={formAction} className="inline" aria-label="New environment">
      <input
        type="text"
        name="name"
        placeholder="production"
        required
        pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
        aria-label="Environment name"
      />
      <button type="submit" className="primary" disabled={pending}>
        Create environment
      </button>
      <Message state={state} />
    </form>
  )
}

/** The new-key form; after success it shows the secret once. */
export function NewKeyForm({ action, environments }: { action: FormAction; environments: readonly string[] }) {
  const [state, formAction, pending] = useActionState(action, INITIAL)
  return (
    <div>
      <form action={formAction} className="inline" aria-label="New key">
        <select name="environment" aria-label="Key environment" required>
          {environments.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <select name="kind" aria-label="Key kind" defaultValue="ingest">
          <option value="ingest">ingest (exporter)</option>
          <option value="ci">ci (the Action)</option>
        </select>
        <input type="text" name="label" placeholder="label (optional)" maxLength={100} aria-label="Key label" />
        <button type="submit" className="primary" disabled={pending || environments.length === 0}>
          Create key
        </button>
      </form>
      <Message state={state} />
      {state.secret ? (
        <div>
          <p className="secret" data-testid="new-key-secret">
            {state.secret}
          </p>
        </div>
      ) : null}
    </div>
  )
}
