import { describe, expect, it } from 'vitest'
import { resolveDatabaseSettings } from '../conf/database-settings.js'
import { poolerReason } from './pooler-detection.js'

const reason = (url: string) => poolerReason(resolveDatabaseSettings('default', url))

describe('poolerReason', () => {
  it('recognises PgBouncer, Neon and Supabase poolers', () => {
    expect(reason('postgres://app@bouncer:6432/app')).toBe('port 6432 (PgBouncer)')
    expect(reason('postgres://app@db:5432/app?pgbouncer=true')).toBe('pgbouncer=true in OPTIONS')
    expect(reason('postgres://app@ep-cool-1234-pooler.eu-central-1.aws.neon.tech/app')).toBe(
      "the '-pooler' host 'ep-cool-1234-pooler.eu-central-1.aws.neon.tech'",
    )
    expect(reason('postgres://app@aws-0-eu-central-1.pooler.supabase.com:5432/postgres')).toContain(
      'Supabase pooler host',
    )
    expect(reason('postgres://app@db.example.com:6543/postgres')).toBe('port 6543 (Supabase transaction pooler)')
  })

  it('says nothing for a direct connection or SQLite', () => {
    expect(reason('postgres://app@db:5432/app')).toBeUndefined()
    expect(reason('postgres://app@db/app?pgbouncer=false')).toBeUndefined()
    expect(reason('sqlite:///db.sqlite3')).toBeUndefined()
  })
})
