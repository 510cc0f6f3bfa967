/**
 * Sources of the migration files the scenarios write: each is what a user would commit
 * (`migration({...})` importing only `@dorm/engine` and `@dorm/engine/migrations`).
 *
 * @example
 * ```ts
 * project.writeMigration('0001_initial.ts', markerTableMigration())
 * project.writeMigration('0002_step.ts', stepMigration(2, '0001_initial'))
 * ```
 */

const header = `import { BigAutoField, CharField, IntegerField } from '@dorm/engine'
import { AddField, CreateModel, RunSQL, migration } from '@dorm/engine/migrations'
`

function dependency(previous: string | null): string {
  return previous === null ? '[]' : `[['rel', ${JSON.stringify(previous)}]]`
}

/**
 * A statement that keeps the database busy for about `seconds` inside a migration: `pg_sleep` on
 * PostgreSQL, a recursive CTE counting through millions of rows on SQLite.
 */
export function slowStatement(backend: 'postgres' | 'sqlite', seconds: number): string {
  return backend === 'postgres'
    ? `SELECT pg_sleep(${seconds})`
    : `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${Math.round(seconds * 4_000_000)}) SELECT count(*) FROM c`
}

/** 0001: the \`rel_marker\` table every data migration writes one row into, then `extraSql`. */
export function markerTableMigration(extraSql: string[] = []): string {
  return `${header}
export default migration({
  operations: [
    new CreateModel({
      name: 'Marker',
      fields: { id: new BigAutoField({ primaryKey: true }), note: new CharField({ maxLength: 200 }) },
    }),
${extraSql.map((sql) => `    new RunSQL({ sql: ${JSON.stringify(sql)}, reverseSql: RunSQL.noop }),\n`).join('')}  ],
})
`
}

/** Migration n: creates table `rel_step<n>` and inserts the marker row `step <n>` (a data migration). */
export function stepMigration(n: number, previous: string, extraSql: string[] = []): string {
  return `${header}
export default migration({
  dependencies: ${dependency(previous)},
  operations: [
    new CreateModel({
      name: 'Step${n}',
      fields: { id: new BigAutoField({ primaryKey: true }), label: new CharField({ maxLength: 50 }) },
    }),
    new AddField({ modelName: 'step${n}', name: 'weight', field: new IntegerField({ default: ${n} }) }),
${extraSql.map((sql) => `    new RunSQL({ sql: ${JSON.stringify(sql)}, reverseSql: RunSQL.noop }),\n`).join('')}    new RunSQL({ sql: "INSERT INTO rel_marker (note) VALUES ('step ${n}')", reverseSql: RunSQL.noop }),
  ],
})
`
}

/** The file name of step migration n. */
export function stepFile(n: number): string {
  return `${String(n).padStart(4, '0')}_step${n}.ts`
}

/** The migration name (file name without `.ts`) of step migration n. */
export function stepName(n: number): string {
  return stepFile(n).replace(/\.ts$/, '')
}

/**
 * A migration whose operation 3 of 4 runs `failingSql`: 1 creates `rel_broken`, 2 writes the marker
 * `broken`, 3 runs `failingSql`, 4 adds a column. With a valid `failingSql` it applies.
 */
export function brokenMigration(previous: string, failingSql: string): string {
  return `${header}
export default migration({
  dependencies: ${dependency(previous)},
  operations: [
    new CreateModel({
      name: 'Broken',
      fields: { id: new BigAutoField({ primaryKey: true }), label: new CharField({ maxLength: 50 }) },
    }),
    new RunSQL({ sql: "INSERT INTO rel_marker (note) VALUES ('broken')", reverseSql: RunSQL.noop }),
    new RunSQL({ sql: ${JSON.stringify(failingSql)}, reverseSql: RunSQL.noop }),
    new AddField({ modelName: 'broken', name: 'weight', field: new IntegerField({ default: 1 }) }),
  ],
})
`
}

/**
 * A slow migration to kill: creates \`rel_bulk\`, inserts `rows` rows into it, then keeps the
 * database busy for `seconds` (pg_sleep / a recursive CTE), then writes the marker `bulk`.
 */
export function slowBulkMigration(
  backend: 'postgres' | 'sqlite',
  previous: string,
  rows: number,
  seconds: number,
): string {
  const bulk =
    backend === 'postgres'
      ? `INSERT INTO rel_bulk (label, weight) SELECT 'row', n FROM generate_series(1, ${rows}) AS n`
      : `INSERT INTO rel_bulk (label, weight) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${rows}) SELECT 'row', n FROM c`
  return `${header}
export default migration({
  dependencies: ${dependency(previous)},
  operations: [
    new CreateModel({
      name: 'Bulk',
      fields: {
        id: new BigAutoField({ primaryKey: true }),
        label: new CharField({ maxLength: 50 }),
        weight: new IntegerField({ default: 0 }),
      },
    }),
    new RunSQL({ sql: ${JSON.stringify(bulk)}, reverseSql: RunSQL.noop }),
    new RunSQL({ sql: ${JSON.stringify(slowStatement(backend, seconds))}, reverseSql: RunSQL.noop }),
    new RunSQL({ sql: "INSERT INTO rel_marker (note) VALUES ('bulk')", reverseSql: RunSQL.noop }),
  ],
})
`
}
