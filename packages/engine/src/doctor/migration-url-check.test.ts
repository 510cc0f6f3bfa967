import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { doctorContext } from './doctor-check.js'
import { checkMigrationUrl } from './migration-url-check.js'

const POOLED = 'postgres://app@ep-x-pooler.neon.tech/app?sslmode=require'
const DIRECT = 'postgres://app@ep-x.neon.tech/app?sslmode=require'

describe('checkMigrationUrl', () => {
  afterEach(() => resetSettings())

  it('warns when migrations would fall back to a pooled default alias', () => {
    configure({ DATABASES: { default: POOLED } })
    const findings = checkMigrationUrl(doctorContext({}))
    expect(findings).toEqual([expect.objectContaining({ code: 'DORM-D019', alias: 'default' })])
    expect(findings[0]?.message).toMatch(
      /^MIGRATION_DATABASE_URL is unset, so migrations run through DATABASES\['default'\]/,
    )
  })

  it('is quiet when MIGRATION_DATABASE_URL is a direct connection, from the env or the settings', () => {
    configure({ DATABASES: { default: POOLED } })
    expect(checkMigrationUrl(doctorContext({ MIGRATION_DATABASE_URL: DIRECT }))).toEqual([])
    configure({ MIGRATION_DATABASE_URL: DIRECT })
    expect(checkMigrationUrl(doctorContext({}))).toEqual([])
  })

  it('warns when MIGRATION_DATABASE_URL itself is pooled or unusable', () => {
    configure({ DATABASES: { default: DIRECT } })
    expect(checkMigrationUrl(doctorContext({}))).toEqual([])
    const [pooled] = checkMigrationUrl(doctorContext({ MIGRATION_DATABASE_URL: 'postgres://app@db:6432/app' }))
    expect(pooled?.message).toMatch(/^MIGRATION_DATABASE_URL goes through a connection pooler \(port 6432/)
    const [broken] = checkMigrationUrl(doctorContext({ MIGRATION_DATABASE_URL: 'mysql://x@y/z' }))
    expect(broken?.message).toMatch(/^MIGRATION_DATABASE_URL cannot be used: .*Unrecognised database URL scheme/)
  })
})
