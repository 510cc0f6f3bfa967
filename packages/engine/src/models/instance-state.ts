/**
 * Per-instance bookkeeping kept off the enumerable properties: whether the row exists yet, which
 * alias it came from, and the caches of loaded relations and prefetched reverse relations.
 */
export const INSTANCE_STATE: unique symbol = Symbol('dorm.instanceState')

export interface InstanceState {
  /** True until the row is inserted. */
  adding: boolean
  /** The alias the row was read from or written to. */
  db: string | null
  /** Related instances loaded through selectRelated / related(). */
  readonly related: Map<string, unknown>
  /** Rows loaded by prefetchRelated, per relation name. */
  readonly prefetched: Map<string, unknown[]>
}

/** The state of an instance, created on first access. */
export function instanceState(instance: object): InstanceState {
  const holder = instance as { [INSTANCE_STATE]?: InstanceState }
  let state = holder[INSTANCE_STATE]
  if (state === undefined) {
    state = { adding: true, db: null, related: new Map(), prefetched: new Map() }
    Object.defineProperty(instance, INSTANCE_STATE, { value: state, enumerable: false, writable: true })
  }
  return state
}
