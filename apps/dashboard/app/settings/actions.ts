'use server'
/**
 * The settings page's server actions: create an environment, create a key (its secret is returned
 * once, to show once), revoke a key. Each checks the session itself; Next checks the Origin.
 *
 * @example
 * ```tsx
 * <form action={addEnvironment}><input name="name" /></form>
 * ```
 */
import { DormError } from '@dorm/engine'
import { revalidatePath } from 'next/cache'
import { requireSession } from '../../lib/auth'
import { createEnvironment, createKey, KEY_KINDS, type KeyKind, revokeKey } from '../../lib/keys'

/** What a settings form shows after submitting. */
export interface SettingsFormState {
  ok: boolean
  message: string
  /** The new key's secret: shown once, never stored in clear. */
  secret?: string
  prefix?: string
}

function failure(err: unknown): SettingsFormState {
  if (err instanceof DormError) return { ok: false, message: err.message }
  throw err
}

/**
 * Creates an environment from the form's `name`.
 *
 * @example
 * ```tsx
 * const [state, action] = useActionState(addEnvironment, { ok: true, message: '' })
 * ```
 */
export async function addEnvironment(_previous: SettingsFormState, formData: FormData): Promise<SettingsFormState> {
  await requireSession('/settings')
  try {
    const environment = await createEnvironment(String(formData.get('name') ?? ''))
    revalidatePath('/settings')
    return { ok: true, message: `Environment ${environment.name} created.` }
  } catch (err) {
    return failure(err)
  }
}

/**
 * Creates a key from the form's `environment`, `kind` and `label`; the state carries the secret.
 *
 * @example
 * ```tsx
 * const [state, action] = useActionState(addKey, { ok: true, message: '' })
 * ```
 */
export async function addKey(_previous: SettingsFormState, formData: FormData): Promise<SettingsFormState> {
  await requireSession('/settings')
  const kind = String(formData.get('kind') ?? '')
  if (!KEY_KINDS.includes(kind as KeyKind)) {
    return { ok: false, message: `kind must be one of ${KEY_KINDS.join(', ')}, got '${kind}'.` }
  }
  try {
    const key = await createKey({
      environment: String(formData.get('environment') ?? ''),
      kind: kind as KeyKind,
      label: String(formData.get('label') ?? ''),
    })
    revalidatePath('/settings')
    return {
      ok: true,
      message: 'Key created. Copy the secret now: it is not stored and will not be shown again.',
      secret: key.secret,
      prefix: key.prefix,
    }
  } catch (err) {
    return failure(err)
  }
}

/**
 * Revokes the key of the form's `id`; its next request gets 401.
 *
 * @example
 * ```tsx
 * <form action={revoke}><input type="hidden" name="id" value={key.id} /></form>
 * ```
 */
export async function revoke(formData: FormData): Promise<void> {
  await requireSession('/settings')
  const id = Number(formData.get('id'))
  if (!Number.isSafeInteger(id) || id <= 0) return
  await revokeKey(id)
  revalidatePath('/settings')
}
