/**
 * Deleting rows the way the relations ask: CASCADE deletes dependents first, PROTECT and RESTRICT
 * refuse while dependents exist, SET_NULL / SET_DEFAULT update them, DO_NOTHING leaves them to the
 * database. Everything is collected before anything changes, so a refusal deletes nothing and sends
 * no signal; then it all runs in one transaction, with preDelete / postDelete per instance.
 */
import { atomic } from '../db/transaction.js'
import { IntegrityError } from '../errors.js'
import type { ModelClassLike, RelatedObject } from '../models/model-meta.js'
import type { FieldMap } from '../models/model-types.js'
import { postDelete, preDelete } from '../signals.js'
import { type QueryModel, QuerySet } from './queryset.js'

interface RelationFieldLike {
  readonly onDelete: string
  readonly name: string
  getDefault(): unknown
}

/** Raised when PROTECT / RESTRICT relations still point at rows being deleted. */
export class ProtectedError extends IntegrityError {
  constructor(message: string) {
    super(message, { code: 'PROTECTED' })
  }
}

interface Plan {
  readonly counts: Map<string, number>
  /** Rows to delete, dependents before the rows they point at. */
  readonly deletes: Array<{ readonly model: QueryModel; readonly pks: unknown[] }>
  /** SET_NULL / SET_DEFAULT updates, run before the deletes. */
  readonly updates: Array<() => Promise<unknown>>
}

function needsInstances(model: ModelClassLike): boolean {
  return model.meta.relatedObjects.length > 0 || preDelete.hasReceivers || postDelete.hasReceivers
}

async function collect(model: QueryModel, pks: unknown[], alias: string, plan: Plan, seen: Set<string>): Promise<void> {
  if (pks.length === 0) return
  for (const related of model.meta.relatedObjects) await handleRelation(related, pks, alias, plan, seen)
  plan.deletes.push({ model, pks })
}

async function execute(plan: Plan, alias: string): Promise<void> {
  const signals = preDelete.hasReceivers || postDelete.hasReceivers
  const batches = []
  for (const { model, pks } of plan.deletes) {
    const qs = new QuerySet<unknown, FieldMap>(model).using(alias, { sticky: false }).filter({ pk__in: pks as never })
    // read before any update or delete, so receivers see the rows as they were
    batches.push({ model, qs, instances: (signals ? await qs : []) as object[] })
  }
  for (const { model, instances } of batches) {
    for (const instance of instances) preDelete.send({ sender: model, instance, using: alias })
  }
  for (const update of plan.updates) await update()
  for (const { model, qs, instances } of batches) {
    const label = model.meta.label
    const deleted = await qs.rawDelete(alias)
    plan.counts.set(label, (plan.counts.get(label) ?? 0) + deleted)
    for (const instance of instances) postDelete.send({ sender: model, instance, using: alias })
  }
}

async function handleRelation(
  related: RelatedObject,
  pks: unknown[],
  alias: string,
  plan: Plan,
  seen: Set<string>,
): Promise<void> {
  const field = related.field as unknown as RelationFieldLike
  const dependents = new QuerySet<unknown, FieldMap>(related.model as QueryModel)
    .using(alias, { sticky: false })
    .filter({ [`${field.name}__in`]: pks } as never)
  switch (field.onDelete) {
    case 'CASCADE': {
      const childPks = (await dependents.valuesList('pk', { flat: true })) as unknown[]
      const key = `${related.model.meta.label}:${childPks.join(',')}`
      if (childPks.length === 0 || seen.has(key)) return
      seen.add(key)
      await collect(related.model as QueryModel, childPks, alias, plan, seen)
      return
    }
    case 'PROTECT':
    case 'RESTRICT': {
      const count = await dependents.count()
      if (count > 0) {
        throw new ProtectedError(
          `Cannot delete: ${count} ${related.model.meta.label} row(s) still point at it through ` +
            `${related.model.meta.label}.${field.name} (onDelete ${field.onDelete}). Delete or reassign them first.`,
        )
      }
      return
    }
    case 'SET_NULL':
      plan.updates.push(() => dependents.update({ [field.name]: null } as never))
      return
    case 'SET_DEFAULT':
      plan.updates.push(() => dependents.update({ [field.name]: field.getDefault() } as never))
      return
    default:
      return
  }
}

/** Deletes the rows of `qs` with their dependents; resolves to the total and the count per model. */
export async function collectAndDelete(
  qs: QuerySet<unknown, FieldMap>,
  alias: string,
): Promise<{ deleted: number; perModel: Record<string, number> }> {
  const model = qs.model
  if (!needsInstances(model)) {
    const deleted = await qs.rawDelete(alias)
    return { deleted, perModel: { [model.meta.label]: deleted } }
  }
  const plan: Plan = { counts: new Map(), deletes: [], updates: [] }
  await atomic(
    async () => {
      const pks = (await qs.using(alias, { sticky: false }).valuesList('pk', { flat: true })) as unknown[]
      await collect(model, pks, alias, plan, new Set())
      await execute(plan, alias)
    },
    { using: alias },
  )
  const perModel = Object.fromEntries(plan.counts)
  return { deleted: [...plan.counts.values()].reduce((a, b) => a + b, 0), perModel }
}
