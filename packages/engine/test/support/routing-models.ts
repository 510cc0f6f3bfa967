/**
 * Models and routers of the routing tests: articles and their comments (app `routing`) read from a
 * replica and written to the primary, and audit events (app `audit`) that an AuditRouter sends to
 * a database of their own, as in the seed's "Read replicas" section.
 */
import { CharField, defineModel, ForeignKey, IntegerField, type ModelClassLike, type Router } from '../../src/index.js'

export const Article = defineModel('routing.Article', {
  fields: {
    title: new CharField({ maxLength: 100 }),
    views: new IntegerField({ default: 0 }),
  },
  meta: { ordering: ['title'] },
})

export const Comment = defineModel('routing.Comment', {
  fields: {
    article: new ForeignKey(() => Article, { onDelete: 'CASCADE', relatedName: 'comments' }),
    body: new CharField({ maxLength: 100 }),
  },
})

export const AuditEvent = defineModel('audit.Event', {
  fields: {
    action: new CharField({ maxLength: 50 }),
  },
  meta: { dbTable: 'routing_audit_event' },
})

export const ROUTING_MODELS = [Article, Comment, AuditEvent]

/** Reads go to the replica, writes to the primary; migrations run on the primary only. */
export class PrimaryReplicaRouter implements Router {
  dbForRead(): string {
    return 'replica'
  }

  dbForWrite(): string {
    return 'default'
  }

  allowMigrate(alias: string): boolean {
    return alias === 'default'
  }
}

/** Sends every write of the `audit` app to `audit_writer`; has no opinion on anything else. */
export class AuditRouter implements Router {
  readonly seen: string[] = []

  dbForWrite(model: ModelClassLike): string | null {
    this.seen.push(`${model.meta.appLabel}.${model.meta.modelName}`)
    return model.meta.appLabel === 'audit' ? 'audit_writer' : null
  }

  allowMigrate(alias: string, appLabel: string): boolean | null {
    if (appLabel === 'audit') return alias === 'audit_writer'
    return alias === 'audit_writer' ? false : null
  }
}

/** A router whose every method throws, to check that it is skipped. */
export class BrokenRouter implements Router {
  dbForRead(): string {
    throw new Error('replica registry unreachable')
  }

  dbForWrite(): string {
    throw new Error('replica registry unreachable')
  }

  allowMigrate(): boolean {
    throw new Error('replica registry unreachable')
  }
}
