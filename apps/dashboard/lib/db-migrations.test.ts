import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { MIGRATION_FILE } from '@dorm/engine/migrations'
import { describe, expect, it } from 'vitest'
import { DASHBOARD_MIGRATION_MODULES } from './db-migrations'

describe('DASHBOARD_MIGRATION_MODULES', () => {
  it('lists every migration file of lib/migrations, in order', () => {
    const files = readdirSync(join(import.meta.dirname, 'migrations'))
      .map((file) => MIGRATION_FILE.exec(file)?.[1])
      .filter((name): name is string => name !== undefined)
      .sort()
    expect(DASHBOARD_MIGRATION_MODULES.map(([name]) => name)).toEqual(files)
  })
})
