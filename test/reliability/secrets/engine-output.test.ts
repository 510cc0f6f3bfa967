/**
 * The engine never shows a password or token it was given: a role whose password is the planted
 * CANARY_PASSWORD (checked for real, scram-sha-256), dorm at DEBUG on every logger, queries that
 * succeed and fail in every way (bad SQL, constraint violations on secret columns, connection
 * refused, a wrong password containing the canary, a pool timeout, a bad URL, a libsql auth token),
 * and every log record, error (message, stack, properties, causes), health check, pool stats, doctor
 * report and byte written to stdout/stderr is scanned for the canaries.
 */
import {
  addLogSink,
  atomic,
  closeAll,
  configure,
  formatDoctorReport,
  getConnection,
  healthCheck,
  parseDatabaseUrl,
  poolStats,
  resetLogging,
  runDoctor,
  setLogLevel,
} from '@dorm/engine'
import { afterAll, expect, test } from 'vitest'
import { CANARY_PASSWORD, CANARY_TOKEN, leakedCanaries } from '../../support/canaries.js'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { type CanaryCluster, startCanaryCluster } from './support/canary-role.js'
import { captureProcessOutput } from './support/capture-output.js'
import { dumpError, safeJson } from './support/dump-error.js'
import { scanForCanaries } from './support/scan.js'

let canary: CanaryCluster | undefined
afterAll(async () => {
  await closeAll()
  resetLogging()
  await canary?.stop()
})

/** Runs `fn`; returns the dump of what it threw, or of what it returned. */
async function attempt(
  label: string,
  fn: () => Promise<unknown>,
): Promise<{ label: string; threw: boolean; text: string }> {
  try {
    return { label, threw: false, text: safeJson(await fn()) }
  } catch (err) {
    return { label, threw: true, text: dumpError(err) }
  }
}

test('no log record, error, health check, pool stats or doctor report shows the password or token', async () => {
  canary = await startCanaryCluster('secrets-engine')
  const records: string[] = []
  const removeSink = addLogSink((record) => records.push(safeJson(record)))
  setLogLevel('dorm', 'DEBUG')
  const printed = captureProcessOutput()
  const outcomes: Array<{ label: string; threw: boolean; text: string }> = []
  try {
    const { hostname, port } = new URL(canary.url)
    configure({
      DATABASES: {
        default: { URL: canary.url, MAX_POOL_SIZE: 1, POOL_TIMEOUT: 0.3 },
        refused: canary.refusedUrl,
        wrong_password: canary.wrongPasswordUrl,
        wrong_password_keys: {
          ENGINE: 'postgresql',
          NAME: 'canary',
          HOST: hostname,
          PORT: Number(port),
          USER: 'canary_writer',
          PASSWORD: `also-wrong-${CANARY_PASSWORD}`,
        },
        libsql_remote: `libsql://127.0.0.1:${new URL(canary.refusedUrl).port}?authToken=${CANARY_TOKEN}`,
      },
      RETRY_ATTEMPTS: 2,
      RETRY_BACKOFF: 0.01,
      SLOW_QUERY_MS: 0,
    })
    const db = getConnection()
    const run = (label: string, fn: () => Promise<unknown>) => attempt(label, fn).then((o) => outcomes.push(o))
    await run('select', () => db.execute('SELECT 1 AS one'))
    await run('create table', () =>
      db.execute(
        'CREATE TABLE creds (id serial PRIMARY KEY, username text NOT NULL, password text UNIQUE, api_token text UNIQUE)',
      ),
    )
    const insert = 'INSERT INTO creds (username, password, api_token) VALUES ($1, $2, $3)'
    await run('insert secrets', () => db.execute(insert, ['alice', CANARY_PASSWORD, CANARY_TOKEN]))
    await run('unique violation on a secret column', () => db.execute(insert, ['bob', CANARY_PASSWORD, 'other']))
    await run('unique violation on a token column', () => db.execute(insert, ['carol', 'other', CANARY_TOKEN]))
    await run('select by secret', () => db.execute('SELECT id FROM creds WHERE password = $1', [CANARY_PASSWORD]))
    await run('update secret', () =>
      db.execute('UPDATE creds SET api_token = $1 WHERE username = $2', [CANARY_TOKEN, 'alice']),
    )
    await run('bad SQL with a secret param', () =>
      db.execute('INSERT INTO creds (password, no_such_column) VALUES ($1, $2)', [CANARY_PASSWORD, 1]),
    )
    await run('syntax error', () => db.execute('SELEKT password FROM creds WHERE password = $1', [CANARY_PASSWORD]))
    await run('not-null violation (the server echoes the row)', () =>
      db.execute('UPDATE creds SET username = NULL WHERE username = $1', ['alice']),
    )
    await run('invalid input next to a secret', () =>
      db.execute('UPDATE creds SET id = $1 WHERE password = $2', ['x', CANARY_PASSWORD]),
    )
    await run('pool timeout', async () => {
      const holding = atomic(async () => {
        await db.execute('SELECT pg_sleep(0.8)')
      })
      await new Promise((resolve) => setTimeout(resolve, 100))
      try {
        await getConnection().execute('SELECT 1')
      } finally {
        await holding
      }
    })
    for (const alias of ['refused', 'wrong_password', 'wrong_password_keys', 'libsql_remote']) {
      await run(`query on ${alias}`, () => getConnection(alias).execute('SELECT 1'))
    }
    for (const alias of ['default', 'refused', 'wrong_password', 'wrong_password_keys', 'libsql_remote']) {
      await run(`health ${alias}`, () => healthCheck({ alias, deep: true, timeoutMs: 3000 }))
      await run(`pool stats ${alias}`, async () => [poolStats(alias), getConnection(alias).poolStats()])
    }
    await run('unknown scheme', async () => parseDatabaseUrl(`mysql://root:${CANARY_PASSWORD}@db:3306/app`))
    await run('bad port', async () => parseDatabaseUrl(`postgres://root:${CANARY_PASSWORD}@db:port/app`))
    await run('doctor', async () =>
      formatDoctorReport(
        await runDoctor({
          timeoutMs: 3000,
          env: { ...process.env, MIGRATION_DATABASE_URL: `mysql://root:${CANARY_PASSWORD}@db/app` },
        }),
      ),
    )
    await run('doctor through a pooler', async () =>
      formatDoctorReport(
        await runDoctor({
          connect: false,
          env: {
            ...process.env,
            MIGRATION_DATABASE_URL: `postgres://app:${CANARY_PASSWORD}@ep-x-pooler.example.com:6543/app`,
          },
        }),
      ),
    )
  } finally {
    printed.stop()
    removeSink()
    await closeAll()
  }

  const outputs = [
    ...records.map((text, index) => ({ name: `log record ${index}`, text })),
    ...outcomes.map(({ label, text }) => ({ name: label, text })),
    { name: 'stdout and stderr', text: printed.text() },
  ]
  const scan = scanForCanaries(outputs)
  const failures = outcomes.filter((outcome) => outcome.threw).map((outcome) => outcome.label)
  await recordFigures('secrets-engine', {
    logRecords: records.length,
    operations: outcomes.length,
    operationsThatFailed: failures.length,
    outputsScanned: scan.outputs,
    bytesScanned: scan.bytes,
    leaks: scan.leaks.length,
    leakedIn: scan.leaks.map((leak) => leak.name),
  })
  await recordOutput('secrets-engine', outputs.map(({ name, text }) => `== ${name}\n${text}`).join('\n'))

  // the scenario did what it says: DEBUG records were written and each failure happened
  expect(records.length).toBeGreaterThan(20)
  expect(failures).toEqual(
    expect.arrayContaining([
      'unique violation on a secret column',
      'unique violation on a token column',
      'not-null violation (the server echoes the row)',
      'invalid input next to a secret',
      'bad SQL with a secret param',
      'syntax error',
      'pool timeout',
      'query on refused',
      'query on wrong_password',
      'query on wrong_password_keys',
      'query on libsql_remote',
      'unknown scheme',
      'bad port',
    ]),
  )
  expect(outcomes.find((o) => o.label === 'query on wrong_password')?.text).toMatch(/password authentication failed/)
  expect(scan.leaks).toEqual([])
  expect(leakedCanaries(records.join('\n'))).toEqual([])
}, 120_000)
