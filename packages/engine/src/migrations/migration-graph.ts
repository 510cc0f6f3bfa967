/**
 * The graph of migrations across apps: order, leaves, plans to a target, and the errors a broken
 * history deserves (missing dependency, cycle, two leaves in one app).
 */
import { MigrationError } from '../errors.js'
import type { Migration } from './migration.js'
import { ProjectState } from './migration-state.js'

/** `app.name`. */
export function migrationKey(app: string, name: string): string {
  return `${app}.${name}`
}

/**
 * A validated migration graph.
 *
 * @example
 * ```ts
 * const graph = new MigrationGraph(migrations)
 * graph.forwardsPlan(graph.leaves()) // every migration in dependency order
 * ```
 */
export class MigrationGraph {
  readonly nodes = new Map<string, Migration>()
  #history: { before: Map<string, ProjectState>; final: ProjectState } | undefined

  constructor(migrations: readonly Migration[]) {
    for (const m of migrations) this.nodes.set(migrationKey(m.app, m.name), m)
    for (const m of migrations) {
      for (const [app, name] of m.dependencies) {
        if (!this.nodes.has(migrationKey(app, name))) {
          const known = this.#namesOf(app)
          throw new MigrationError(
            `${m.file}: depends on ${app}.${name}, which does not exist. ` +
              `${known.length > 0 ? `Migrations of '${app}': ${known.join(', ')}.` : `No migrations are loaded for app '${app}' (is it in INSTALLED_APPS?).`} ` +
              'Fix the dependency or restore the missing file.',
          )
        }
      }
    }
    this.#checkCycles()
    this.#checkConflicts()
  }

  #namesOf(app: string): string[] {
    return [...this.nodes.values()].filter((m) => m.app === app).map((m) => m.name)
  }

  #checkCycles(): void {
    const state = new Map<string, 'visiting' | 'done'>()
    const stack: string[] = []
    const visit = (key: string): void => {
      const mark = state.get(key)
      if (mark === 'done') return
      if (mark === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(key)), key]
        const file = this.nodes.get(key)?.file ?? key
        throw new MigrationError(
          `${file}: circular dependency ${cycle.join(' -> ')}. Remove one of these dependencies.`,
        )
      }
      state.set(key, 'visiting')
      stack.push(key)
      for (const [app, name] of (this.nodes.get(key) as Migration).dependencies) visit(migrationKey(app, name))
      stack.pop()
      state.set(key, 'done')
    }
    for (const key of this.nodes.keys()) visit(key)
  }

  #checkConflicts(): void {
    const apps = new Set([...this.nodes.values()].map((m) => m.app))
    for (const app of apps) {
      const leaves = this.leafNodes(app)
      if (leaves.length > 1) {
        throw new MigrationError(
          `Conflicting migrations in app '${app}': ${leaves.map((m) => m.name).join(' and ')} are both latest. ` +
            `Add a migration that depends on all of them (or renumber one to depend on the other).`,
        )
      }
    }
  }

  /** Migrations of `app` no other migration of that app depends on. */
  leafNodes(app: string): Migration[] {
    const ofApp = [...this.nodes.values()].filter((m) => m.app === app)
    const needed = new Set<string>()
    for (const m of ofApp) for (const [depApp, name] of m.dependencies) if (depApp === app) needed.add(name)
    return ofApp.filter((m) => !needed.has(m.name)).sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The latest migration of every app. */
  leaves(): Migration[] {
    const apps = [...new Set([...this.nodes.values()].map((m) => m.app))].sort()
    return apps.flatMap((app) => this.leafNodes(app))
  }

  get(app: string, name: string): Migration {
    const m = this.nodes.get(migrationKey(app, name))
    if (m === undefined) throw new MigrationError(`Migration ${app}.${name} not found.`)
    return m
  }

  /** `targets` and everything they depend on, dependencies first (stable by app then name). */
  forwardsPlan(targets: readonly Migration[]): Migration[] {
    const out: Migration[] = []
    const seen = new Set<string>()
    const visit = (m: Migration): void => {
      const key = migrationKey(m.app, m.name)
      if (seen.has(key)) return
      seen.add(key)
      const deps = [...m.dependencies].sort((a, b) => `${a[0]}.${a[1]}`.localeCompare(`${b[0]}.${b[1]}`))
      for (const [app, name] of deps) visit(this.get(app, name))
      out.push(m)
    }
    for (const t of [...targets].sort((a, b) => `${a.app}.${a.name}`.localeCompare(`${b.app}.${b.name}`))) visit(t)
    return out
  }

  /** Every migration that depends (directly or not) on `m`, including `m`, dependents first. */
  backwardsPlan(m: Migration): Migration[] {
    const dependents = new Map<string, Migration[]>()
    for (const node of this.nodes.values()) {
      for (const [app, name] of node.dependencies) {
        const key = migrationKey(app, name)
        dependents.set(key, [...(dependents.get(key) ?? []), node])
      }
    }
    const out: Migration[] = []
    const seen = new Set<string>()
    const visit = (node: Migration): void => {
      const key = migrationKey(node.app, node.name)
      if (seen.has(key)) return
      seen.add(key)
      for (const child of dependents.get(key) ?? []) visit(child)
      out.push(node)
    }
    visit(m)
    return out
  }

  /** Every migration in dependency order. */
  all(): Migration[] {
    return this.forwardsPlan(this.leaves())
  }

  /**
   * The project state before each migration and after all of them, from one replay of the history
   * in dependency order (replaying it per migration made a long history quadratic).
   */
  #replay(): { before: Map<string, ProjectState>; final: ProjectState } {
    if (this.#history !== undefined) return this.#history
    const before = new Map<string, ProjectState>()
    const state = new ProjectState()
    for (const m of this.all()) {
      before.set(migrationKey(m.app, m.name), state.clone())
      for (const op of m.operations) op.stateForwards(m.app, state)
    }
    this.#history = { before, final: state }
    return this.#history
  }

  /** A fresh copy of the state before `migration` is applied (everything ahead of it in dependency order). */
  stateBefore(migration: Migration): ProjectState {
    return (this.#replay().before.get(migrationKey(migration.app, migration.name)) as ProjectState).clone()
  }

  /** A fresh copy of the state every migration leads to (what makemigrations compares the models with). */
  finalState(): ProjectState {
    return this.#replay().final.clone()
  }
}
