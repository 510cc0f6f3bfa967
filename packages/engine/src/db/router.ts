/**
 * DATABASE_ROUTERS: objects that pick the alias for reads, writes and migrations. The first router
 * that answers wins; a router that throws is logged and skipped; with no answer the alias is the
 * one the `instance` hint was read from or saved to (as in Django), else 'default'.
 */
import { getSettings } from '../conf/settings.js'
import { describeError } from '../errors.js'
import { INSTANCE_STATE, type InstanceState } from '../models/instance-state.js'
import type { ModelClassLike } from '../models/model-meta.js'
import { getLogger } from './logging.js'

const routerLogger = getLogger('dorm.db')

/** Hints a router may read (the instance being saved, a related instance...). */
export interface RouterHints {
  instance?: unknown
  [key: string]: unknown
}

/**
 * A database router. Return an alias, or null/undefined to let the next router decide.
 *
 * @example
 * ```ts
 * class PrimaryReplicaRouter implements Router {
 *   dbForRead() { return 'replica' }
 *   dbForWrite() { return 'default' }
 * }
 * configure({ DATABASE_ROUTERS: [new PrimaryReplicaRouter()] })
 * ```
 */
export interface Router {
  dbForRead?(model: ModelClassLike, hints: RouterHints): string | null | undefined
  dbForWrite?(model: ModelClassLike, hints: RouterHints): string | null | undefined
  allowMigrate?(alias: string, appLabel: string, hints?: RouterHints): boolean | null | undefined
}

function routers(): readonly Router[] {
  return (getSettings().DATABASE_ROUTERS as Router[] | undefined) ?? []
}

/** `PrimaryReplicaRouter`, or `DATABASE_ROUTERS[1]` for a plain object, for log messages. */
function routerName(router: Router, index: number): string {
  const name = (router as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : `DATABASE_ROUTERS[${index}]`
}

function ask(method: 'dbForRead' | 'dbForWrite', model: ModelClassLike, hints: RouterHints): string {
  for (const [index, router] of routers().entries()) {
    const fn = router[method]
    if (typeof fn !== 'function') continue
    try {
      const alias = fn.call(router, model, hints)
      if (typeof alias === 'string' && alias !== '') return alias
    } catch (err) {
      routerLogger.log(
        'WARNING',
        `router ${routerName(router, index)}.${method} failed for ${model.meta.label} and was skipped: ${describeError(err)}`,
        { model: model.meta.label, method },
        err,
      )
    }
  }
  return instanceDb(hints.instance) ?? 'default'
}

/** The alias an instance was read from or saved to, without creating its state. */
function instanceDb(instance: unknown): string | undefined {
  if (typeof instance !== 'object' || instance === null) return undefined
  const state = (instance as { [INSTANCE_STATE]?: InstanceState })[INSTANCE_STATE]
  return state?.db ?? undefined
}

/** The alias reads of `model` go to. */
export function dbForRead(model: ModelClassLike, hints: RouterHints = {}): string {
  return ask('dbForRead', model, hints)
}

/** The alias writes of `model` go to. */
export function dbForWrite(model: ModelClassLike, hints: RouterHints = {}): string {
  return ask('dbForWrite', model, hints)
}

/** Whether migrations of `appLabel` run on `alias` (true unless a router says false). */
export function allowMigrate(alias: string, appLabel: string, hints: RouterHints = {}): boolean {
  for (const [index, router] of routers().entries()) {
    if (typeof router.allowMigrate !== 'function') continue
    try {
      const answer = router.allowMigrate(alias, appLabel, hints)
      if (typeof answer === 'boolean') return answer
    } catch (err) {
      routerLogger.log(
        'WARNING',
        `router ${routerName(router, index)}.allowMigrate failed for app '${appLabel}' on '${alias}' and was skipped: ${describeError(err)}`,
        { alias, appLabel, method: 'allowMigrate' },
        err,
      )
    }
  }
  return true
}
