/**
 * Environments and keys as the CLI and the settings pages use them: names checked, duplicates
 * refused, secrets shown once and stored hashed, revocation idempotent, unknown ids refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../lib/db'
import {
  authenticateKey,
  createEnvironment,
  createKey,
  hashSecret,
  listEnvironments,
  listKeys,
  revokeKey,
} from '../../lib/keys'
import { ApiKey } from '../../lib/models'
import { dashboardTestBackends, useFreshStore } from '../support/stores'

describe.each(dashboardTestBackends())('keys on %s', (backend) => {
  beforeAll(() => useFreshStore(backend, 'keys'))
  afterAll(closeDatabase)

  it('creates and lists environments, refusing bad names and duplicates', async () => {
    await createEnvironment('staging')
    await createEnvironment('production')
    expect((await listEnvironments()).map((env) => env.name)).toEqual(['production', 'staging'])
    await expect(createEnvironment('production')).rejects.toMatchObject({ code: 'ENVIRONMENT_EXISTS' })
    await expect(createEnvironment('has space')).rejects.toThrow(/letters, digits/)
    await expect(createEnvironment('')).rejects.toThrow(/not valid/)
  })

  it('creates keys whose secret is shown once and stored only as its hash', async () => {
    const key = await createKey({ environment: 'production', kind: 'ingest', label: 'web' })
    expect(key.secret).toMatch(/^dk_ingest_[0-9A-Za-z]{32}$/)
    expect(key.secret.startsWith(key.prefix)).toBe(true)
    expect(key.prefix).toHaveLength('dk_ingest_'.length + 6)
    const stored = await ApiKey.objects.get({ id: key.id })
    expect(stored.secret_hash).toBe(hashSecret(key.secret))
    expect(JSON.stringify(await listKeys())).not.toContain(key.secret)
    const ci = await createKey({ environment: 'staging', kind: 'ci' })
    expect(ci.secret).toMatch(/^dk_ci_[0-9A-Za-z]{32}$/)
    expect((await listKeys('staging')).map((k) => [k.environment, k.kind, k.prefix])).toEqual([
      ['staging', 'ci', ci.prefix],
    ])
    await expect(createKey({ environment: 'nowhere', kind: 'ci' })).rejects.toThrow(/env create nowhere/)
    await expect(createKey({ environment: 'staging', kind: 'admin' as never })).rejects.toThrow(/'ingest'/)
  })

  it('revokes a key once, and refuses unknown ids', async () => {
    const key = await createKey({ environment: 'production', kind: 'ci' })
    expect((await authenticateKey(`Bearer ${key.secret}`, 'ci')).ok).toBe(true)
    await revokeKey(key.id)
    const first = (await ApiKey.objects.get({ id: key.id })).revoked_at
    await revokeKey(key.id)
    expect((await ApiKey.objects.get({ id: key.id })).revoked_at).toEqual(first)
    expect(await authenticateKey(`Bearer ${key.secret}`, 'ci')).toMatchObject({ ok: false, status: 401 })
    await expect(revokeKey(99_999)).rejects.toThrow(/key 99999 does not exist/)
    await expect(revokeKey(-1)).rejects.toThrow(/not valid/)
  })

  it('refuses malformed Authorization headers with 401', async () => {
    for (const header of [null, '', 'Basic abc', 'Bearer', 'Bearer not-a-key', `Bearer dk_ingest_${'x'.repeat(31)}`]) {
      expect(await authenticateKey(header, 'ingest')).toMatchObject({ ok: false, status: 401 })
    }
  })
})
