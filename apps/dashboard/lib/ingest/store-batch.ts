/**
 * Stores one validated ingest batch in one transaction: the batch id first (a batch id already
 * stored for the environment makes this a replay: nothing else is written), the service, the
 * template texts, the rollups merged into 1m/1h/1d, the pool samples with their deltas, and the raw
 * health checks, slow queries, request summaries and events (bulk inserts). About a dozen
 * statements per batch, whatever its size. A PostgreSQL deadlock or serialization failure retries
 * the whole batch (at most 3 attempts).
 *
 * @example
 * ```ts
 * const validation = validateBatch(body)
 * if (validation.ok) {
 *   const outcome = await storeBatch(auth.environmentId, validation)
 *   return Response.json(outcome, { status: 202 })
 * }
 * ```
 */
import { atomic, DatabaseError, getConnection } from '@dorm/engine'
import type {
  EventItem,
  HealthItem,
  PoolItem,
  QueryRollupItem,
  RequestItem,
  SlowQueryItem,
  TelemetryBatch,
} from '@dorm/engine/contrib/telemetry'
import { EventRecord, HealthSample, IngestBatch, PoolSample, RequestSample, Service, SlowQuery } from '../models'
import { instanceName, poolSampleRows } from './pool-deltas'
import { rollupRowsOf, upsertRollups } from './rollup-merge'
import { columnOf, insertStatements } from './sql-rows'
import { upsertTemplates } from './template-texts'
import type { IndexedItem, ItemError } from './validate-batch'

/** What was done with a batch (the 202 body). */
export interface StoreOutcome {
  accepted: number
  rejected: number
  errors: ItemError[]
  /** The batch id was stored before: nothing was written this time. */
  duplicate?: true
}

/** Attempts of a batch transaction that hits a PostgreSQL deadlock or serialization failure. */
const MAX_ATTEMPTS = 3
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001'])

interface ItemsByKind {
  health: HealthItem[]
  pool: PoolItem[]
  query_rollup: QueryRollupItem[]
  slow_query: SlowQueryItem[]
  request: RequestItem[]
  event: EventItem[]
}

function byKind(items: readonly IndexedItem[]): ItemsByKind {
  const out: ItemsByKind = { health: [], pool: [], query_rollup: [], slow_query: [], request: [], event: [] }
  for (const { item } of items) (out[item.kind] as (typeof item)[]).push(item)
  return out
}

/** Inserts the batch row; false when the batch id is already stored (a replay). */
async function claimBatchId(environmentId: number, batch: TelemetryBatch, accepted: number, rejected: number) {
  const connection = getConnection()
  const suffix = `ON CONFLICT (${columnOf(IngestBatch, 'environment')}, ${columnOf(IngestBatch, 'batch_id')}) DO NOTHING RETURNING ${columnOf(IngestBatch, 'id')}`
  const fields = ['environment', 'batch_id', 'received_at', 'accepted', 'rejected', 'dropped']
  const row = [environmentId, batch.batch_id, new Date(), accepted, rejected, batch.dropped]
  const [statement] = insertStatements(connection.vendor, IngestBatch, fields, [row], suffix)
  const { rows } = await connection.execute(statement?.sql as string, statement?.params)
  return rows.length > 0
}

/** The service's id, created on its first batch; its `last_seen_at` moves to now (locking the row). */
async function touchService(environmentId: number, name: string, now: Date): Promise<number> {
  const connection = getConnection()
  const excluded = connection.vendor === 'postgresql' ? 'EXCLUDED' : 'excluded'
  const lastSeen = columnOf(Service, 'last_seen_at')
  const suffix =
    `ON CONFLICT (${columnOf(Service, 'environment')}, ${columnOf(Service, 'name')}) ` +
    `DO UPDATE SET ${lastSeen} = ${excluded}.${lastSeen} RETURNING ${columnOf(Service, 'id')}`
  const fields = ['environment', 'name', 'first_seen_at', 'last_seen_at']
  const [statement] = insertStatements(connection.vendor, Service, fields, [[environmentId, name, now, now]], suffix)
  const { rows } = await connection.execute(statement?.sql as string, statement?.params)
  return Number((rows[0] as Record<string, unknown>).id)
}

async function storeItems(serviceId: number, batch: TelemetryBatch, kinds: ItemsByKind, now: Date): Promise<void> {
  await upsertTemplates(kinds, now)
  if (kinds.query_rollup.length > 0) await upsertRollups(rollupRowsOf(serviceId, kinds.query_rollup))
  if (kinds.pool.length > 0) {
    await PoolSample.objects.bulkCreate(
      (await poolSampleRows(serviceId, instanceName(batch.instance), kinds.pool)).map(({ service, ...fields }) => ({
        ...fields,
        serviceId: service,
      })),
    )
  }
  if (kinds.health.length > 0) {
    await HealthSample.objects.bulkCreate(
      kinds.health.map((item) => ({
        serviceId,
        alias: item.alias,
        at: new Date(item.at),
        status: item.status,
        elapsed_ms: item.elapsed_ms,
        error: item.error,
      })),
    )
  }
  if (kinds.slow_query.length > 0) {
    await SlowQuery.objects.bulkCreate(
      kinds.slow_query.map((item) => ({
        serviceId,
        alias: item.alias,
        route: item.route ?? '',
        fingerprint: item.fingerprint,
        at: new Date(item.at),
        elapsed_ms: item.elapsed_ms,
        threshold_ms: item.threshold_ms,
        error: item.error,
      })),
    )
  }
  if (kinds.request.length > 0) {
    await RequestSample.objects.bulkCreate(
      kinds.request.map((item) => ({
        serviceId,
        at: new Date(item.at),
        method: item.method,
        route: item.route,
        status: item.status,
        duration_ms: item.duration_ms,
        query_count: item.query_count,
        query_ms: item.query_ms,
        pool_wait_ms: item.pool_wait_ms,
        nplusone: item.nplusone.map(({ fingerprint, count }) => ({ fingerprint, count })),
        over_budget: item.over_budget,
        reason: item.reason,
      })),
    )
  }
  if (kinds.event.length > 0) {
    await EventRecord.objects.bulkCreate(
      kinds.event.map((item) => ({
        serviceId,
        at: new Date(item.at),
        type: item.type,
        alias: item.alias,
        data: item.data,
      })),
    )
  }
}

function isRetryable(err: unknown): boolean {
  return err instanceof DatabaseError && err.vendorCode !== undefined && RETRYABLE_SQLSTATES.has(err.vendorCode)
}

/**
 * Stores a validated batch for an environment; a replayed batch id stores nothing and answers with
 * the counts of the first delivery and `duplicate: true`.
 *
 * @example
 * ```ts
 * await storeBatch(1, { ok: true, batch, items, errors: [] }) // { accepted: items.length, rejected: 0, errors: [] }
 * ```
 */
export async function storeBatch(
  environmentId: number,
  validation: { batch: TelemetryBatch; items: readonly IndexedItem[]; errors: readonly ItemError[] },
): Promise<StoreOutcome> {
  const { batch, items, errors } = validation
  const rejected = new Set(errors.map((error) => error.index)).size
  const kinds = byKind(items)
  for (let attempt = 1; ; attempt++) {
    try {
      const stored = await atomic(async () => {
        const now = new Date()
        if (!(await claimBatchId(environmentId, batch, items.length, rejected))) return false
        const serviceId = await touchService(environmentId, batch.service, now)
        await storeItems(serviceId, batch, kinds, now)
        return true
      })
      if (stored) return { accepted: items.length, rejected, errors: [...errors] }
      const first = await IngestBatch.objects
        .filter({ environmentId, batch_id: batch.batch_id })
        .values('accepted', 'rejected')
        .first()
      return { accepted: first?.accepted ?? 0, rejected: first?.rejected ?? 0, errors: [], duplicate: true }
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err
    }
  }
}
