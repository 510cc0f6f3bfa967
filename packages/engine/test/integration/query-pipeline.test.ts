import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  closeAll,
  configure,
  getConnection,
  type PostQueryPayload,
  type PreQueryPayload,
  ProgrammingError,
  postQuery,
  preQuery,
  resetSettings,
} from '../../src/index.js'
import { databaseUrlFor, testBackends } from '../support/backends.js'
import { captureLogs } from '../support/logs.js'

const VENDOR = { postgres: 'postgresql', sqlite: 'sqlite', libsql: 'libsql' } as const

describe.each(testBackends())('the query pipeline on %s', (backend) => {
  const p = (n: number) => (backend === 'postgres' ? `$${n}` : '?')
  const vendor = VENDOR[backend]

  beforeEach(() => {
    configure({ DATABASES: { default: databaseUrlFor(backend, 'pipeline') }, SLOW_QUERY_MS: null })
  })

  afterEach(async () => {
    await closeAll()
    resetSettings()
  })

  it('sends preQuery and postQuery with the vendor, alias, SQL, params, timing and error', async () => {
    const pre: PreQueryPayload[] = []
    const post: PostQueryPayload[] = []
    const onPre = (payload: PreQueryPayload) => {
      pre.push(payload)
    }
    const onPost = (payload: PostQueryPayload) => {
      post.push(payload)
    }
    preQuery.connect(onPre)
    postQuery.connect(onPost)
    try {
      const sql = `SELECT ${p(1)} AS v`
      await getConnection().execute(sql, [5])
      await getConnection()
        .execute('SELECT * FROM no_such_table_here')
        .catch(() => undefined)
      expect(pre[0]).toEqual({ sender: vendor, alias: 'default', sql, params: [5] })
      expect(post[0]).toMatchObject({ sender: vendor, alias: 'default', sql, params: [5], error: null })
      expect(post[0]?.elapsed_ms).toBeGreaterThan(0)
      expect(post[1]?.error).toBeInstanceOf(ProgrammingError)
      expect(post[1]?.sql).toBe('SELECT * FROM no_such_table_here')
    } finally {
      preQuery.disconnect(onPre)
      postQuery.disconnect(onPost)
    }
  })

  it('filters receivers by sender', async () => {
    const seen: string[] = []
    const receiver = ({ sql }: PreQueryPayload) => {
      seen.push(sql)
    }
    preQuery.connect(receiver, { sender: 'some-other-vendor' })
    try {
      await getConnection().execute('SELECT 1')
      expect(seen).toEqual([])
    } finally {
      preQuery.disconnect(receiver)
    }
  })

  it('logs a receiver that throws at ERROR on dorm.signals and still runs the query', async () => {
    const logs = captureLogs()
    const broken = function brokenReceiver(): void {
      throw new Error('receiver bug')
    }
    postQuery.connect(broken)
    try {
      await expect(getConnection().execute('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] })
      const record = logs.records.find((r) => r.logger === 'dorm.signals')
      expect(record?.level).toBe('ERROR')
      expect(record?.message).toMatch(/brokenReceiver.*receiver bug/)
      expect(String((record?.error as Error | undefined)?.stack)).toContain('receiver bug')
    } finally {
      postQuery.disconnect(broken)
      logs.stop()
    }
  })

  it('warns about slow queries with the seed text on dorm.db.backends.<vendor>', async () => {
    configure({ SLOW_QUERY_MS: 0 })
    const logs = captureLogs()
    try {
      await getConnection().execute('SELECT 1 AS slow')
      const record = logs.records.find((r) => r.logger === `dorm.db.backends.${vendor}`)
      expect(record?.level).toBe('WARNING')
      expect(record?.message).toMatch(/^slow query \(\d+\.\d{2}ms ≥ 0ms\): SELECT 1 AS slow$/)
    } finally {
      logs.stop()
    }
  })

  it('does not warn when SLOW_QUERY_MS is null', async () => {
    const logs = captureLogs()
    try {
      await getConnection().execute('SELECT 1')
      expect(logs.records.filter((r) => r.logger.startsWith('dorm.db.backends'))).toEqual([])
    } finally {
      logs.stop()
    }
  })

  it('logs every statement at DEBUG on dorm.queries with sensitive params masked', async () => {
    const logs = captureLogs({ 'dorm.queries': 'DEBUG' })
    try {
      await getConnection().execute(`SELECT ${p(1)} AS a, ${p(2)} AS n`, ['x', 3])
      await getConnection().execute(`SELECT 1 AS one WHERE ${p(1)} = ${p(2)}`, ['x', 'x'])
      const lines = logs.records.filter((r) => r.logger === 'dorm.queries')
      expect(lines).toHaveLength(2)
      expect(lines[0]?.level).toBe('DEBUG')
      expect(lines[0]?.data).toMatchObject({ alias: 'default', vendor, params: ['x', 3] })
      expect(lines[0]?.message).toMatch(/^\(\d+\.\d{3} ms\) SELECT .* AS a, .* AS n; params=\["x",3\]$/)
    } finally {
      logs.stop()
    }
  })

  it('masks params bound to password columns in the DEBUG log but not in signals', async () => {
    const conn = getConnection()
    await conn.execute('CREATE TABLE IF NOT EXISTS pipeline_users (name TEXT, password TEXT)')
    const logs = captureLogs({ 'dorm.queries': 'DEBUG' })
    const post: PostQueryPayload[] = []
    const onPost = (payload: PostQueryPayload) => {
      post.push(payload)
    }
    postQuery.connect(onPost)
    try {
      await conn.execute(`INSERT INTO pipeline_users (name, password) VALUES (${p(1)}, ${p(2)})`, ['ann', 's3cret'])
      const line = logs.records.find((r) => r.logger === 'dorm.queries' && r.message.includes('INSERT'))
      expect(line?.message).toContain('["ann","***"]')
      expect(line?.message).not.toContain('s3cret')
      expect(post.find((x) => x.sql.includes('INSERT'))?.params).toEqual(['ann', 's3cret'])
    } finally {
      postQuery.disconnect(onPost)
      logs.stop()
      await conn.execute('DROP TABLE pipeline_users')
    }
  })
})
