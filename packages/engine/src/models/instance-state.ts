/**
 * Per-instance bookkeeping kept off the string-keyed properties: whether the row exists yet, which
 * alias it came from, and the caches of loaded relations and prefetched reverse relations. It sits
 * under a symbol key (plain assignment: `defineProperty` per row cost more than the rest of
 * hydration), and the caches are created on first use.
 */
export const INSTANCE_STATE: unique symbol = Symbol('dorm.instanceState')

/** The bookkeeping of one instance. */
export class InstanceState {
  /** True until the row is inserted. */
  adding: boolean
  /** The alias the row was read from or written to. */
  db: string | null
  /**
   * True for the one state that every row of a fetched batch points at until it is first asked for:
   * {@link instanceState} then gives the instance its own copy. Saves an allocation per fetched row.
   */
  readonly shared: boolean
  #related: Map<string, unknown> | undefined
  #prefetched: Map<string, unknown[]> | undefined

  constructor(adding: boolean, db: string | null, shared = false) {
    this.adding = adding
    this.db = db
    this.shared = shared
  }

  /** Related instances loaded through selectRelated / prefetchRelated / related(). */
  get related(): Map<string, unknown> {
    this.#related ??= new Map()
    return this.#related
  }

  /** Rows loaded by prefetchRelated, per relation name. */
  get prefetched(): Map<string, unknown[]> {
    this.#prefetched ??= new Map()
    return this.#prefetched
  }
}

/** The state of an instance, created on first access (or copied from its batch's shared state). */
export function instanceState(instance: object): InstanceState {
  const holder = instance as { [INSTANCE_STATE]?: InstanceState }
  let state = holder[INSTANCE_STATE]
  if (state === undefined || state.shared) {
    state = state === undefined ? new InstanceState(true, null) : new InstanceState(state.adding, state.db)
    holder[INSTANCE_STATE] = state
  }
  return state
}
