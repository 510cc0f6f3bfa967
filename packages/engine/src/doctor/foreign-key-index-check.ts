/**
 * DORM-D007: a ForeignKey / OneToOneField of a managed model with no index. dorm indexes relations
 * unless `dbIndex: false`, so this fires only for that opt-out, when nothing else leads with the
 * column: a unique field, or a `meta.indexes` / uniqueTogether / UniqueConstraint whose first field
 * is the relation (a B-tree serves lookups on its leading column, so it covers the join).
 */
import type { ModelClassLike } from '../models/model-meta.js'
import { type DoctorContext, type DoctorFinding, warning } from './doctor-check.js'

/**
 * A warning per relation field that joins without an index.
 *
 * @example
 * ```ts
 * checkForeignKeyIndexes(doctorContext()) // [{ code: 'DORM-D007', model: 'library.Book.author', ... }]
 * ```
 */
export function checkForeignKeyIndexes(context: DoctorContext): DoctorFinding[] {
  const findings: DoctorFinding[] = []
  for (const model of context.models) {
    if (model.meta.abstract || !model.meta.managed) continue
    const leading = leadingFields(model)
    for (const field of model.meta.concreteFields) {
      if (!field.isRelation || field.unique || field.options.dbIndex !== false || leading.has(field.name)) continue
      findings.push(
        warning(
          'DORM-D007',
          `${field.describe()}: ${field.kind} without an index (dbIndex: false); joins on this FK will sequentially ` +
            'scan. Remove dbIndex: false or add an Index() leading with it in meta.indexes.',
          { model: field.describe() },
        ),
      )
    }
  }
  return findings
}

/** Field names that lead some index or unique constraint of the model. */
function leadingFields(model: ModelClassLike): Set<string> {
  const meta = model.meta
  const groups: (readonly string[])[] = [
    ...meta.indexes.map((index) => index.fields),
    ...meta.uniqueTogether,
    ...meta.constraints.flatMap((c) => (c.kind === 'UniqueConstraint' ? [c.fields] : [])),
  ]
  const names = new Set<string>()
  for (const group of groups) {
    const first = group[0]
    if (first === undefined) continue
    // a descending key ('-author') still leads with the column
    const field = meta.findField(first.replace(/^-/, ''))
    if (field !== undefined) names.add(field.name)
  }
  return names
}
