import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext, isLocalHost } from './doctor-check.js'
import { checkSslMode } from './ssl-mode-check.js'

describe('checkSslMode', () => {
  afterEach(() => resetSettings())

  it('warns when a remote host has no sslmode, or one that does not encrypt', () => {
    configure({
      DATABASES: {
        default: 'postgres://app@db.example.com:5432/app',
        replica: 'postgres://app@replica.example.com/app?sslmode=prefer',
        audit: 'postgres://app@audit.example.com/app?sslmode=require',
        local: 'postgres://app@localhost/app',
        socket: { ENGINE: 'postgresql', HOST: '/run/postgresql', NAME: 'app' },
      },
    })
    const findings = checkSslMode(doctorContext({}))
    expect(findings.map((f) => [f.code, f.alias])).toEqual([
      ['DORM-D005', 'default'],
      ['DORM-D006', 'replica'],
    ])
    expect(findings[0]?.message).toBe(
      "DATABASES['default']: no OPTIONS.sslmode for the non-local host 'db.example.com'; set 'require' (or " +
        "'verify-full' if you have a CA) to avoid plaintext.",
    )
    expect(findings[1]?.message).toContain("OPTIONS.sslmode='prefer' for the non-local host 'replica.example.com'")
  })

  it('knows which hosts are local', () => {
    for (const host of [
      undefined,
      '',
      'localhost',
      '127.0.0.1',
      '127.0.1.1',
      '::1',
      '[::1]',
      'app.localhost',
      '/tmp',
    ]) {
      expect(isLocalHost(host)).toBe(true)
    }
    for (const host of ['db', '10.0.0.5', 'localhost.example.com', '::2']) expect(isLocalHost(host)).toBe(false)
  })
})
