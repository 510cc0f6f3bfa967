/**
 * The hostile requests of the ingest fuzz, by class, each with the status the dashboard documents
 * for it (docs/dashboard.md, Ingest API). Requests that should be refused carry an otherwise valid
 * body wherever the class allows, so a check that let them through would store something (and the
 * row counts would show it).
 *
 * @example
 * ```ts
 * for (const hostile of hostileCases({ keys, random: seededRandom(1), round: 0 })) {
 *   const answer = await sendRaw(`${url}${ENDPOINT_PATH[hostile.endpoint]}`, hostile.request)
 *   expect(answer.status).toBe(hostile.expected)
 * }
 * ```
 */
import { gzipSync } from 'node:zlib'
import { deployReportSchema, telemetryBatchSchema, telemetryItemSchema } from '@dorm/engine/contrib/telemetry'
import type { FuzzKeys } from './dashboard-under-test.js'
import type { RawRequest } from './raw-http.js'
import { plainText, sampleBatch, sampleDeployReport, sampleItems } from './valid-payloads.js'
import { wrongValueMutations } from './wrong-values.js'

/** The two key-authenticated endpoints. */
export type Endpoint = 'ingest' | 'deployments'

/** Their paths. */
export const ENDPOINT_PATH: Record<Endpoint, string> = { ingest: '/api/v1/ingest', deployments: '/api/v1/deployments' }

/** One hostile request and what must come of it. */
export interface HostileCase {
  /** The class, for the figures (`json: truncated`, `auth: revoked key`, ...). */
  kind: string
  endpoint: Endpoint
  request: RawRequest
  /** The documented status. */
  expected: number
  /** `nothing`: no row anywhere; `rejected-items`: 202 with every item rejected, only the batch id kept. */
  stores: 'nothing' | 'rejected-items'
  /** The field a schema case sets to a wrong value, for failure messages. */
  field?: string
}

const MB = 1024 * 1024
const JSON_TYPE: [string, string] = ['content-type', 'application/json']
let batchCounter = 0
let bombCache: Buffer | undefined

/** A deterministic PRNG (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function batchId(): string {
  batchCounter += 1
  return `fuzz-${process.pid}-${Date.now()}-${batchCounter}`
}

function validBatch(): Record<string, unknown> {
  return sampleBatch({ batchId: batchId(), environment: 'fuzz', items: sampleItems(new Date(), plainText) })
}

function validReport(): Record<string, unknown> {
  batchCounter += 1
  return sampleDeployReport({ environment: 'fuzz', runId: batchCounter, text: plainText })
}

function validBody(endpoint: Endpoint): Record<string, unknown> {
  return endpoint === 'ingest' ? validBatch() : validReport()
}

function deep(levels: number, leaf = '0'): string {
  return `${'['.repeat(levels)}${leaf}${']'.repeat(levels)}`
}

function gzipBomb(): Buffer {
  // 64 MB of spaces inside a JSON string: about 64 KB on the wire
  bombCache ??= gzipSync(Buffer.concat([Buffer.from('{"service":"'), Buffer.alloc(64 * MB, 0x20), Buffer.from('"}')]))
  return bombCache
}

function bearer(secret: string): [string, string] {
  return ['authorization', `Bearer ${secret}`]
}

function authCases(keys: FuzzKeys, endpoint: Endpoint, random: () => number): HostileCase[] {
  const own = endpoint === 'ingest' ? keys.fuzz.ingest : keys.fuzz.ci
  const otherKind = endpoint === 'ingest' ? keys.fuzz.ci : keys.fuzz.ingest
  const otherEnv = endpoint === 'ingest' ? keys.other.ingest : keys.other.ci
  const revoked = endpoint === 'ingest' ? keys.revoked.ingest : keys.revoked.ci
  const unknown = `${own.slice(0, own.lastIndexOf('_') + 1)}${'Z'.repeat(31)}${Math.floor(random() * 10)}`
  const make = (kind: string, headers: Array<[string, string]>, expected: number): HostileCase => ({
    kind,
    endpoint,
    request: { headers: [JSON_TYPE, ...headers], body: Buffer.from(JSON.stringify(validBody(endpoint))) },
    expected,
    stores: 'nothing',
  })
  return [
    make('auth: no key', [], 401),
    make('auth: malformed header', [['authorization', `Basic ${Buffer.from('a:b').toString('base64')}`]], 401),
    make('auth: malformed header', [['authorization', 'Bearer']], 401),
    make('auth: malformed header', [['authorization', `Bearer ${own} ${own}`]], 401),
    make('auth: malformed header', [['authorization', `Token ${own}`]], 401),
    make('auth: malformed header', [['authorization', `Bearer ${own.slice(0, -1)}\u00e9`]], 401),
    make('auth: unknown key', [bearer(unknown)], 401),
    make('auth: revoked key', [bearer(revoked)], 401),
    make('auth: wrong kind of key', [bearer(otherKind)], 403),
    make("auth: another environment's key", [bearer(otherEnv)], 403),
    make('auth: repeated Authorization', [bearer(revoked), bearer(own)], 401),
    make('auth: repeated Authorization', [['authorization', 'Bearer nothing'], bearer(own)], 401),
    make('auth: repeated Authorization', [bearer(otherKind), bearer(own)], 403),
    make('auth: header over 16 KB', [['authorization', `Bearer ${'k'.repeat(20_000)}`]], 431),
  ]
}

function bodyCase(
  kind: string,
  endpoint: Endpoint,
  keys: FuzzKeys,
  body: Buffer | string,
  expected: number,
  extra: Partial<RawRequest> & { stores?: HostileCase['stores'] } = {},
): HostileCase {
  const key = endpoint === 'ingest' ? keys.fuzz.ingest : keys.fuzz.ci
  const { stores = 'nothing', headers = [JSON_TYPE], ...request } = extra
  return {
    kind,
    endpoint,
    request: { headers: [bearer(key), ...headers], body: Buffer.from(body), ...request },
    expected,
    stores,
  }
}

function transportCases(keys: FuzzKeys, endpoint: Endpoint, random: () => number): HostileCase[] {
  const text = JSON.stringify(validBody(endpoint))
  const cut = 1 + Math.floor(random() * (text.length - 2))
  const utf8 = Buffer.from(text)
  const invalidUtf8 = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28]), utf8])
  const brokenStructure = Buffer.from(utf8)
  brokenStructure[text.indexOf(':')] = 0xc0 // an overlong-encoding lead byte where a ':' was
  const cases: HostileCase[] = [
    bodyCase('json: truncated', endpoint, keys, text.slice(0, cut), 400),
    bodyCase('json: byte order mark', endpoint, keys, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), 400),
    bodyCase('json: trailing garbage', endpoint, keys, `${text}}{"x":1}`, 400),
    bodyCase('json: trailing garbage', endpoint, keys, `${text}\u0000garbage`, 400),
    bodyCase('json: invalid UTF-8', endpoint, keys, invalidUtf8, 400),
    bodyCase('json: invalid UTF-8', endpoint, keys, brokenStructure, 400),
    bodyCase('json: empty body', endpoint, keys, '', 400),
    bodyCase('json: not an object', endpoint, keys, ['null', '[]', '"text"', '123', 'true'][cut % 5] as string, 400),
    bodyCase('json: 10k levels of nesting', endpoint, keys, deep(10_000), 400),
    bodyCase(
      'json: 10k levels of nesting',
      endpoint,
      keys,
      text.replace(endpoint === 'ingest' ? '"fuzz-service"' : '"blocked"', deep(10_000, '"x"')),
      400,
    ),
    bodyCase('json: 100k levels of nesting', endpoint, keys, deep(100_000), 400),
    bodyCase('json: prototype keys', endpoint, keys, `{"__proto__":${text}}`, 400),
    bodyCase('json: prototype keys', endpoint, keys, `{"constructor":{"prototype":${text}}}`, 400),
    bodyCase('size: body over 1 MB', endpoint, keys, `{"pad":"${'p'.repeat(MB)}"}`, 413),
    bodyCase('size: body over 1 MB', endpoint, keys, `{"pad":"${'p'.repeat(MB + MB / 2)}"}`, 413, {
      framing: 'chunked',
    }),
    bodyCase('size: gzip bomb', endpoint, keys, gzipBomb(), 413, {
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
    }),
    bodyCase('encoding: not gzip data', endpoint, keys, text, 400, {
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
    }),
    bodyCase('encoding: truncated gzip', endpoint, keys, gzipSync(utf8).subarray(0, 20), 400, {
      headers: [JSON_TYPE, ['content-encoding', 'gzip']],
    }),
    bodyCase('encoding: unsupported', endpoint, keys, text, 415, {
      headers: [
        JSON_TYPE,
        ['content-encoding', ['br', 'deflate', 'compress', 'gzip, br', 'x-custom'][cut % 5] as string],
      ],
    }),
    bodyCase('content-type: wrong or missing', endpoint, keys, 'service=x&batch_id=12345678', 400, {
      headers: [['content-type', 'application/x-www-form-urlencoded']],
    }),
    bodyCase(
      'content-type: wrong or missing',
      endpoint,
      keys,
      '--b\r\ncontent-disposition: form-data\r\n\r\nx\r\n--b--',
      400,
      {
        headers: [['content-type', 'multipart/form-data; boundary=b']],
      },
    ),
    bodyCase('content-type: wrong or missing', endpoint, keys, '<batch/>', 400, { headers: [] }),
    bodyCase('headers: repeated Content-Length', endpoint, keys, text, 400, {
      headers: [JSON_TYPE, ['content-length', String(utf8.length)], ['content-length', String(utf8.length + 5)]],
      framing: 'none',
    }),
    bodyCase('headers: repeated Content-Length', endpoint, keys, text, 400, {
      headers: [JSON_TYPE, ['content-length', String(utf8.length)], ['content-length', String(utf8.length)]],
      framing: 'none',
    }),
    bodyCase(
      'headers: Content-Length with chunked',
      endpoint,
      keys,
      `${utf8.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`,
      400,
      {
        headers: [JSON_TYPE, ['content-length', '4'], ['transfer-encoding', 'chunked']],
        framing: 'none',
      },
    ),
  ]
  if (endpoint === 'ingest') {
    const items = new Array(5001).fill(0)
    cases.push(
      bodyCase('schema: huge array', endpoint, keys, JSON.stringify({ ...validBatch(), items }), 400),
      bodyCase(
        'schema: huge array',
        endpoint,
        keys,
        JSON.stringify({ ...validBatch(), items: new Array(400_000).fill(0) }),
        400,
      ),
    )
  } else {
    const applied = new Array(10_001).fill('shop.0001_initial')
    cases.push(bodyCase('schema: huge array', endpoint, keys, JSON.stringify({ ...validReport(), applied }), 400))
  }
  return cases
}

/** Every wrong value the schemas refuse, field by field: envelope, items and deploy report. */
function wrongTypeCases(keys: FuzzKeys): HostileCase[] {
  const cases: HostileCase[] = []
  const envelope = validBatch()
  for (const mutation of wrongValueMutations(envelope, (body) => !telemetryBatchSchema.safeParse(body).success)) {
    if (mutation.path.startsWith('items[')) continue // an item: the per-item cases below
    // a fresh batch id per request (a replay would be answered as one), unless the id is the field under test
    const body = mutation.path === 'batch_id' ? mutation.body : { ...mutation.body, batch_id: batchId() }
    cases.push({
      ...bodyCase('schema: wrong value in the batch envelope', 'ingest', keys, JSON.stringify(body), 400),
      field: mutation.path,
    })
  }
  for (const item of sampleItems(new Date(), plainText)) {
    for (const mutation of wrongValueMutations(item, (body) => !telemetryItemSchema.safeParse(body).success)) {
      const body = sampleBatch({ batchId: batchId(), environment: 'fuzz', items: [mutation.body] })
      cases.push({
        ...bodyCase(`schema: wrong value in a ${String(item.kind)} item`, 'ingest', keys, JSON.stringify(body), 202, {
          stores: 'rejected-items',
        }),
        field: `items[0].${mutation.path}`,
      })
    }
    const proto = sampleBatch({ batchId: batchId(), environment: 'fuzz', items: [] })
    const text = JSON.stringify(proto).replace('"items":[]', `"items":[{"__proto__":${JSON.stringify(item)}}]`)
    cases.push(bodyCase('json: prototype keys in an item', 'ingest', keys, text, 202, { stores: 'rejected-items' }))
  }
  for (const mutation of wrongValueMutations(validReport(), (body) => !deployReportSchema.safeParse(body).success)) {
    cases.push({
      ...bodyCase('schema: wrong value in the deploy report', 'deployments', keys, JSON.stringify(mutation.body), 400),
      field: mutation.path,
    })
  }
  return cases
}

/**
 * Every hostile request of one round (new batch ids, truncation points and choices each round).
 *
 * @example
 * ```ts
 * const round = hostileCases({ keys, random: seededRandom(42) })
 * ```
 */
export function hostileCases(options: { keys: FuzzKeys; random: () => number }): HostileCase[] {
  const { keys, random } = options
  return [
    ...authCases(keys, 'ingest', random),
    ...authCases(keys, 'deployments', random),
    ...transportCases(keys, 'ingest', random),
    ...transportCases(keys, 'deployments', random),
    ...wrongTypeCases(keys),
  ]
}
