import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATION_LOCK_KEY } from '../../../src/migrations/migration-lock.js'
import { createTestDatabase, testBackends } from '../../support/backends.js'

const here = dirname(fileURLToPath(import.meta.url))
const engineDir = join(here, '../../..')
const bin = join(engineDir, 'src/cli/bin.ts')
const fixture = join(here, '../../fixtures/migrate-project')
// the project copy lives in a temp dir: tsx must be given by path, not resolved from there
const tsxLoader = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href

interface Run {
  code: number
  stdout: string
  stderr: string
}

function dorm(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsxLoader, bin, ...args],
      { cwd, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

describe.each(testBackends())('dorm migrate and friends on %s', (backend) => {
  let project: string
  let url: string

  beforeAll(async () => {
    // a copy per backend: tests add broken migrations to it
    project = mkdtempSync(join(tmpdir(), 'dorm-migfix-'))
    cpSync(fixture, project, { recursive: true })
    // the copy lives elsewhere: point its relative engine imports back at this checkout
    for (const file of [
      'dorm.config.ts',
      'src/shop/models.ts',
      'src/shop/migrations/0001_initial.ts',
      'src/shop/migrations/0002_customer_email.ts',
    ]) {
      const path = join(project, file)
      const text = (await import('node:fs')).readFileSync(path, 'utf8')
      writeFileSync(path, text.replace(/'(\.\.\/)+src\//g, `'${engineDir}/src/`))
    }
    // generated migrations import '@dorm/engine': a shim package sends that to this checkout's source,
    // the same module instances the models use
    const shim = join(project, 'node_modules/@dorm/engine')
    mkdirSync(shim, { recursive: true })
    writeFileSync(
      join(shim, 'package.json'),
      JSON.stringify({
        name: '@dorm/engine',
        type: 'module',
        exports: { '.': './index.js', './migrations': './migrations.js' },
      }),
    )
    writeFileSync(join(shim, 'index.js'), `export * from '${engineDir}/src/index.ts'\n`)
    writeFileSync(join(shim, 'migrations.js'), `export * from '${engineDir}/src/migrations/index.ts'\n`)
    url = await createTestDatabase(backend, 'cli_migrate')
  }, 60_000)

  afterAll(() => rmSync(project, { recursive: true, force: true }))

  it('dry-runs, applies, shows, prints SQL, and rolls back', async () => {
    const env = { MIGFIX_DATABASE_URL: url }
    const dry = await dorm(project, ['migrate', '--dry-run'], env)
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('Would apply shop.0001_initial\nWould apply shop.0002_customer_email\n')
    expect(dry.stdout).toContain('--- SQL that would run for \'shop\' ---\nCREATE TABLE "shop_customer"')
    expect(dry.stdout).toMatch(/;\n/)

    const dryJson = await dorm(project, ['migrate', '--dry-run', '--format', 'json'], env)
    expect(dryJson.code).toBe(0)
    const dryReport = JSON.parse(dryJson.stdout)
    expect(dryReport).toMatchObject({
      applied: [],
      pending: ['shop.0001_initial', 'shop.0002_customer_email'],
      error: null,
    })
    expect(dryReport.plan.map((step: { app: string; name: string }) => `${step.app}.${step.name}`)).toEqual([
      'shop.0001_initial',
      'shop.0002_customer_email',
    ])
    expect(dryReport.plan[0].sql[0]).toMatch(/^CREATE TABLE "shop_customer"/)
    expect(dryReport.plan[1].sql).toContainEqual(expect.stringMatching(/ADD COLUMN "email" varchar\(200\)$/))

    const shown = await dorm(project, ['showmigrations'], env)
    expect(shown.stdout).toBe('shop\n  [ ] 0001_initial\n  [ ] 0002_customer_email\n')

    const applied = await dorm(project, ['migrate'], env)
    expect(applied.code).toBe(0)
    expect(applied.stdout).toBe('  Applying shop.0001_initial... OK\n  Applying shop.0002_customer_email... OK\n')
    expect((await dorm(project, ['showmigrations', 'shop'], env)).stdout).toBe(
      'shop\n  [X] 0001_initial\n  [X] 0002_customer_email\n',
    )
    expect((await dorm(project, ['migrate'], env)).stdout).toBe('  No migrations to apply.\n')

    const sql = await dorm(project, ['sqlmigrate', 'shop', '0002'], env)
    expect(sql.stdout).toMatch(/ADD COLUMN "email" varchar\(200\);\n/)

    const unknown = await dorm(project, ['migrate', 'shop', '0009'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain(
      "  Error: Migration '0009' not found for app 'shop'. Available migrations: [0001_initial, 0002_customer_email].",
    )

    const back = await dorm(project, ['migrate', 'shop', 'zero'], env)
    expect(back.code).toBe(0)
    expect(back.stdout).toBe('  Unapplying shop.0002_customer_email... OK\n  Unapplying shop.0001_initial... OK\n')
    expect((await dorm(project, ['migrate'], env)).code).toBe(0)
  })

  it('catches a forgotten migration with makemigrations --check and dbcheck, and drift with diff', async () => {
    const env = { MIGFIX_DATABASE_URL: url }
    expect((await dorm(project, ['migrate'], env)).code).toBe(0)
    const clean = await dorm(project, ['dbcheck'], env)
    expect(clean.stdout).toContain('All checked models match the migrations and the database.')
    expect(clean.code).toBe(0)
    expect((await dorm(project, ['makemigrations', '--check'], env)).code).toBe(0)
    expect((await dorm(project, ['diff'], env)).stdout).toBe("OK — no drift detected against alias 'default'.\n")

    const models = join(project, 'src/shop/models.ts')
    const original = readFileSync(models, 'utf8')
    writeFileSync(
      models,
      original
        .replace(
          'email: new CharField({ maxLength: 200, null: true }) },',
          'email: new CharField({ maxLength: 200, null: true }), vip: new BooleanField({ default: false }) },',
        )
        .replace('import { CharField,', 'import { BooleanField, CharField,'),
    )
    try {
      const check = await dorm(project, ['makemigrations', '--check'], env)
      expect(check.code).toBe(1)
      expect(check.stdout).toContain('makemigrations --check: 1 pending operation(s).')
      const drift = await dorm(project, ['dbcheck'], env)
      expect(drift.code).toBe(1)
      expect(drift.stdout).toContain('Add field vip to customer')
      const written = await dorm(project, ['makemigrations'], env)
      expect(written.code).toBe(0)
      expect(written.stdout).toContain("Migrations for 'shop':")
      expect(readdirSync(join(project, 'src/shop/migrations')).sort()).toContain('0003_customer_vip.ts')
      expect((await dorm(project, ['dbcheck'], env)).stdout).toContain('1 migration(s) not applied: 0003_customer_vip')
      expect((await dorm(project, ['migrate'], env)).stdout).toBe('  Applying shop.0003_customer_vip... OK\n')
      expect((await dorm(project, ['dbcheck'], env)).code).toBe(0)
      const db =
        backend === 'postgres'
          ? 'ALTER TABLE shop_customer DROP COLUMN vip'
          : 'ALTER TABLE shop_customer DROP COLUMN vip'
      await import('../../../src/index.js').then(async ({ configure, getConnection, closeAll }) => {
        configure({ DATABASES: { default: url } })
        await getConnection().execute(db)
        await closeAll()
      })
      const diff = await dorm(project, ['diff', '--json'], env)
      expect(diff.code).toBe(1)
      expect(JSON.parse(diff.stdout)).toMatchObject({
        drift: true,
        findings: [{ kind: 'missing_column', column: 'vip' }],
      })
    } finally {
      writeFileSync(models, original)
      rmSync(join(project, 'src/shop/migrations/0003_customer_vip.ts'), { force: true })
    }
  })

  it('names a migration that fails to load and changes nothing', async () => {
    const broken = join(project, 'src/shop/migrations/0003_broken.ts')
    writeFileSync(broken, "throw new Error('typo in migration')\n")
    try {
      const run = await dorm(project, ['migrate'], { MIGFIX_DATABASE_URL: url })
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('0003_broken.ts: the migration failed to load: Error: typo in migration')
    } finally {
      rmSync(broken)
    }
    const missing = join(project, 'src/shop/migrations/0003_missing_dep.ts')
    writeFileSync(
      missing,
      `import { migration } from '${engineDir}/src/migrations/index.js'\nexport default migration({ dependencies: [['shop', '0099_nope']], operations: [] })\n`,
    )
    try {
      const run = await dorm(project, ['migrate'], { MIGFIX_DATABASE_URL: url })
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('depends on shop.0099_nope, which does not exist')
    } finally {
      rmSync(missing)
    }
  })

  it.runIf(backend === 'postgres')(
    'four concurrent processes apply each migration once; a held lock times out naming its holder',
    async () => {
      const fresh = await createTestDatabase(backend, 'cli_migrate_race')
      const env = { MIGFIX_DATABASE_URL: fresh }
      const runs = await Promise.all([1, 2, 3, 4].map(() => dorm(project, ['migrate'], env)))
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0])
      const appliedBy = runs.filter((r) => r.stdout.includes('Applying shop.0001_initial'))
      expect(appliedBy).toHaveLength(1)
      const client = new pg.Client({ connectionString: fresh, application_name: 'lock-holder' })
      await client.connect()
      try {
        const { rows } = await client.query('SELECT count(*)::int AS n FROM dorm_migrations')
        expect(rows[0].n).toBe(2)
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
        const blocked = await dorm(project, ['migrate'], { ...env, DORM_MIGRATION_LOCK_TIMEOUT: '0.5' })
        expect(blocked.code).toBe(3)
        expect(blocked.stderr).toMatch(/held by pid \d+ \(application_name 'lock-holder'/)
      } finally {
        await client.end()
      }
    },
  )

  it.runIf(backend === 'postgres')(
    'stops fast on a table lock held by another transaction (--lock-timeout), changing nothing, in text and json',
    async () => {
      const fresh = await createTestDatabase(backend, 'cli_migrate_lock_timeout')
      const env = { MIGFIX_DATABASE_URL: fresh }
      expect((await dorm(project, ['migrate'], env)).code).toBe(0)
      const added = join(project, 'src/shop/migrations/0003_customer_score.ts')
      writeFileSync(
        added,
        `import { IntegerField } from '${engineDir}/src/index.js'\n` +
          `import { AddField, migration } from '${engineDir}/src/migrations/index.js'\n` +
          "export default migration({ dependencies: [['shop', '0002_customer_email']], operations: [\n" +
          "  new AddField({ modelName: 'customer', name: 'score', field: new IntegerField({ null: true }) }),\n" +
          ']})\n',
      )
      const holder = new pg.Client({ connectionString: fresh })
      await holder.connect()
      const columns = async () =>
        (
          await holder.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'shop_customer' ORDER BY 1",
          )
        ).rows.map((r) => r.column_name)
      try {
        const before = await columns()
        await holder.query('BEGIN')
        await holder.query('LOCK TABLE shop_customer IN ACCESS SHARE MODE')
        const text = await dorm(project, ['migrate', '--lock-timeout', '200'], env)
        expect(text.code).toBe(3)
        expect(text.stdout).toBe('  Applying shop.0003_customer_score...')
        expect(text.stderr).toContain(
          'Migration shop.0003_customer_score stopped: the statement `ALTER TABLE "shop_customer" ADD COLUMN "score" integer` ' +
            'waited more than 200 ms for a lock (lock_timeout): another transaction holds a lock on shop_customer; ' +
            'retry when it ends or raise --lock-timeout',
        )
        const json = await dorm(project, ['migrate', '--lock-timeout', '200', '--format', 'json'], env)
        expect(json.code).toBe(3)
        expect(JSON.parse(json.stdout)).toEqual({
          applied: [],
          unapplied: [],
          pending: ['shop.0003_customer_score'],
          error: {
            code: 'LOCK_NOT_AVAILABLE',
            migration: 'shop.0003_customer_score',
            message: expect.stringContaining('another transaction holds a lock on shop_customer'),
          },
        })
        await holder.query('ROLLBACK')
        expect(await columns()).toEqual(before)
        const { rows } = await holder.query("SELECT name FROM dorm_migrations WHERE app = 'shop' ORDER BY name")
        expect(rows.map((r) => r.name)).toEqual(['0001_initial', '0002_customer_email'])
        const bad = await dorm(project, ['migrate', '--lock-timeout', '2s'], env)
        expect(bad.code).toBe(2)
        expect(bad.stderr).toContain("--lock-timeout must be a whole number of milliseconds >= 0, got '2s'.")
        // the lock is gone: the same command applies it
        const done = await dorm(project, ['migrate', '--lock-timeout', '200', '--format', 'json'], env)
        expect(done.code).toBe(0)
        expect(JSON.parse(done.stdout)).toEqual({
          applied: ['shop.0003_customer_score'],
          unapplied: [],
          pending: [],
          error: null,
        })
      } finally {
        await holder.end()
        rmSync(added, { force: true })
      }
    },
  )

  it.runIf(backend === 'postgres')('refuses a transaction-mode pooler URL with the fix', async () => {
    const pooled = url.replace(/:(\d+)\//, ':6432/')
    const run = await dorm(project, ['migrate'], { MIGFIX_DATABASE_URL: pooled })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('port 6432 (PgBouncer)')
    expect(run.stderr).toContain('MIGRATION_DATABASE_URL')
  })
})
