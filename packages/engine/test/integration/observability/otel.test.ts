/**
 * contrib/otel against a real PostgreSQL: spans carry every attribute, nest under the caller's
 * active span, mark failures; uninstrument() stops them; instrument() twice is still one span.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { instrument, isInstrumented, uninstrument } from '../../../src/contrib/otel/index.js'
import { configure, getConnection, ImproperlyConfigured, IntegrityError } from '../../../src/index.js'
import { createTestDatabase } from '../../support/backends.js'
import { Publisher } from '../../support/library-models.js'
import { createTables, teardownOrm, truncate } from '../../support/orm.js'

const exporter = new InMemorySpanExporter()
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const contextManager = new AsyncLocalStorageContextManager()

function onlySpan(name?: string): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((s) => name === undefined || s.name === name)
  expect(spans, `spans: ${exporter.getFinishedSpans().map((s) => s.name)}`).toHaveLength(1)
  return spans[0] as ReadableSpan
}

describe('contrib/otel spans on postgres', () => {
  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable())
    const url = await createTestDatabase('postgres', 'otel_spans')
    configure({ DATABASES: { default: url, reporting: url } })
    await createTables([Publisher], 'default')
  })
  afterAll(async () => {
    uninstrument()
    context.disable()
    await teardownOrm()
  })
  beforeEach(async () => {
    await truncate([Publisher])
    instrument({ tracerName: 'test.dorm', tracerProvider })
    exporter.reset()
  })
  afterEach(() => uninstrument())

  it('traces a SELECT as a CLIENT span named after the operation and table, with every attribute', async () => {
    const sql = 'SELECT "id", "name" FROM "library_publisher" WHERE "name" = $1'
    await getConnection().execute(sql, ['nobody'])
    const span = onlySpan()
    expect(span.name).toBe('SELECT library_publisher')
    expect(span.kind).toBe(SpanKind.CLIENT)
    expect(span.instrumentationScope.name).toBe('test.dorm')
    expect(span.attributes).toMatchObject({
      'db.system': 'postgresql',
      'db.operation': 'SELECT',
      'db.sql.table': 'library_publisher',
      'db.collection.name': 'library_publisher',
      'db.dorm.alias': 'default',
      'db.statement': sql,
      'db.dorm.rows': 0,
    })
    expect(span.attributes['db.dorm.elapsed_ms']).toBeGreaterThan(0)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })

  it('traces an INSERT through the ORM, and reports the alias the statement ran on', async () => {
    await Publisher.objects.using('reporting').create({ name: 'Orbit' })
    const span = onlySpan()
    expect(span.name).toBe('INSERT library_publisher')
    expect(span.attributes).toMatchObject({
      'db.system': 'postgresql',
      'db.operation': 'INSERT',
      'db.sql.table': 'library_publisher',
      'db.collection.name': 'library_publisher',
      'db.dorm.alias': 'reporting',
      'db.dorm.rows': 1,
    })
    expect(String(span.attributes['db.statement'])).toMatch(/^INSERT INTO "library_publisher"/)
  })

  it('marks a failing statement: status ERROR, the exception recorded, db.dorm.error', async () => {
    await Publisher.objects.create({ name: 'Acme' })
    exporter.reset()
    const error = await Publisher.objects.create({ name: 'Acme' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntegrityError)
    const span = onlySpan('INSERT library_publisher')
    expect(span.status.code).toBe(SpanStatusCode.ERROR)
    expect(span.attributes['db.dorm.error']).toMatch(/^IntegrityError: /)
    expect(span.attributes['error.type']).toBe('IntegrityError')
    expect(span.attributes['db.dorm.rows']).toBeUndefined()
    const exception = span.events.find((e) => e.name === 'exception')
    // the SDK names the exception by its `code` when it has one
    expect(exception?.attributes?.['exception.type']).toBe((error as IntegrityError).code)
    expect(exception?.attributes?.['exception.message']).toBe((error as IntegrityError).message)
  })

  it('falls back to db.<vendor> for a statement without a table', async () => {
    await getConnection().execute('SELECT 1')
    expect(onlySpan().name).toBe('db.postgresql')
    expect(onlySpan().attributes['db.operation']).toBe('SELECT')
    expect(onlySpan().attributes['db.sql.table']).toBeUndefined()
  })

  it("nests statement spans under the caller's active span", async () => {
    const tracer = tracerProvider.getTracer('app')
    await tracer.startActiveSpan('GET /publishers', async (request) => {
      await Publisher.objects.filter({ name__startswith: 'A' })
      request.end()
    })
    const request = onlySpan('GET /publishers')
    const query = onlySpan('SELECT library_publisher')
    expect(query.parentSpanContext?.spanId).toBe(request.spanContext().spanId)
    expect(query.spanContext().traceId).toBe(request.spanContext().traceId)
  })

  it('truncates db.statement to statementMaxLength', async () => {
    instrument({ tracerProvider, statementMaxLength: 12 })
    exporter.reset()
    await getConnection().execute('SELECT "id" FROM "library_publisher"')
    expect(onlySpan().attributes['db.statement']).toBe('SELECT "id" ')
    expect(onlySpan().instrumentationScope.name).toBe('dorm')
  })

  it('is idempotent, and uninstrument() stops the spans', async () => {
    instrument({ tracerName: 'test.dorm', tracerProvider })
    instrument({ tracerName: 'test.dorm', tracerProvider })
    await getConnection().execute('SELECT 1')
    expect(exporter.getFinishedSpans()).toHaveLength(1)
    uninstrument()
    expect(isInstrumented()).toBe(false)
    await getConnection().execute('SELECT 1')
    await Publisher.objects.create({ name: 'Quiet' })
    expect(exporter.getFinishedSpans()).toHaveLength(1)
    uninstrument() // a second call does nothing
  })

  it('runs on the global no-op provider when none is registered or given', async () => {
    instrument()
    expect(trace.getTracerProvider()).toBeDefined()
    await expect(Publisher.objects.create({ name: 'Noop' })).resolves.toBeInstanceOf(Publisher)
    expect(exporter.getFinishedSpans()).toHaveLength(0)
  })

  it('rejects bad options with a message saying how to fix them', () => {
    expect(() => instrument({ tracerName: '' })).toThrow(ImproperlyConfigured)
    expect(() => instrument({ tracerName: '' })).toThrow(/non-empty string/)
    expect(() => instrument({ statementMaxLength: -1 })).toThrow(/whole number >= 0/)
    expect(() => instrument({ tracerProvider: {} as never })).toThrow(/TracerProvider/)
  })
})
