/**
 * Deleting rows the way the relations ask: CASCADE deletes dependents first, PROTECT and RESTRICT
 * refuse while dependents exist, SET_NULL / SET_DEFAULT update them, DO_NOTHING leaves them to the
 * database. All of it runs in one transaction, with preDelete / postDelete per instance.
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
}

function needsInstances(model: ModelClassLike): boolean {
  return model.meta.relatedObjects.length > 0 || preDelete.hasReceivers || postDelete.hasReceivers
}

async function deleteInstances(
  model: QueryModel,
  pks: unknown[],
  alias: string,
  plan: Plan,
  seen: Set<string>,
): Promise<void> {
  if (pks.length === 0) return
  const label = model.meta.label
  const qs = new QuerySet<unknown, FieldMap>(model).using(alias, { sticky: false }).filter({ pk__in: pks as never })
  const instances = (preDelete.hasReceivers || postDelete.hasReceivers ? await qs : []) as object[]
  for (const related of model.meta.relatedObjects) await handleRelation(related, pks, alias, plan, seen)
  for (const instance of instances) preDelete.send({ sender: model, instance, using: alias })
  const deleted = await qs.rawDelete(alias)
  plan.counts.set(label, (plan.counts.get(label) ?? 0) + deleted)
  for (const instance of instances) postDelete.send({ sender: model, instance, using: alias })
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
      await deleteInstances(related.model as QueryModel, childPks, alias, plan, seen)
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
      await dependents.update({ [field.name]: null } as never)
      return
    case 'SET_DEFAULT':
      await dependents.update({ [field.name]: field.getDefault() } as never)
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
  const plan: Plan = { counts: new Map() }
  await atomic(
    async () => {
      const pks = (await qs.using(alias, { sticky: false }).valuesList('pk', { flat: true })) as unknown[]
      await deleteInstances(model, pks, alias, plan, new Set())
    },
    { using: alias },
  )
  const perModel = Object.fromEntries(plan.counts)
  return { deleted: [...plan.counts.values()].reduce((a, b) => a + b, 0), perModel }
}
