import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DateTimeField, TextField, UUIDField } from '../../../models/fields/index.js'
import { AddField } from '../../operations/field-operations.js'
import { CreateModel } from '../../operations/model-operations.js'
import { RunSQL } from '../../operations/special-operations.js'
import { volatileDefault } from './m017-volatile-default.js'
import { runRule } from './rule-test-helpers.js'

const history = [new CreateModel({ name: 'Order', fields: { note: new TextField() } })]
const sql = (text: string) => new RunSQL({ sql: text })

describe('DORM-M017 volatile-default', () => {
  it('flags raw ADD COLUMN with a volatile default, serial or identity', async () => {
    const hits = await runRule(volatileDefault, {
      history,
      operations: [
        sql('ALTER TABLE x_order ADD COLUMN token uuid DEFAULT gen_random_uuid()'),
        sql("ALTER TABLE x_order ADD COLUMN at timestamptz DEFAULT clock_timestamp() + interval '1 day'"),
        sql('ALTER TABLE x_order ADD COLUMN n bigserial'),
        sql('ALTER TABLE x_order ADD COLUMN m int GENERATED ALWAYS AS IDENTITY'),
        sql('ALTER TABLE x_order ADD COLUMN k int DEFAULT my_func()'),
      ],
    })
    expect(hits.map((h) => h.message.split(': ')[1])).toEqual([
      'the default calls gen_random_uuid(), which is VOLATILE.',
      'the default calls clock_timestamp(), which is VOLATILE.',
      'its bigserial type defaults to nextval(), which is VOLATILE.',
      'an identity column fills every existing row.',
      'the default calls my_func(), which may be VOLATILE.',
    ])
    expect(hits[0]?.message).toContain("rewrites all of 'x_order' under ACCESS EXCLUSIVE")
  })

  it('is silent for constant and stable defaults on PostgreSQL 11+, and flags them before 11', async () => {
    const operations = [
      sql("ALTER TABLE x_order ADD COLUMN at timestamptz NOT NULL DEFAULT now(), ADD COLUMN s text DEFAULT 'x'"),
      sql('ALTER TABLE x_order ADD COLUMN c timestamptz DEFAULT CURRENT_TIMESTAMP'),
    ]
    expect(await runRule(volatileDefault, { history, operations })).toEqual([])
    const old = await runRule(volatileDefault, { history, operations, target: { postgresVersion: 10 } })
    expect(old).toHaveLength(3)
    expect(old[0]?.message).toContain('before 11 any DEFAULT rewrites')
  })

  it('is silent on a table created earlier in the same RunSQL', async () => {
    expect(
      await runRule(volatileDefault, {
        operations: [sql('CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid()')],
      }),
    ).toEqual([])
  })

  it('flags AddField of a unique field with a default function, not autoNowAdd or nullable ones', async () => {
    const hits = await runRule(volatileDefault, {
      history,
      operations: [
        new AddField({
          modelName: 'order',
          name: 'token',
          field: new UUIDField({ unique: true, default: randomUUID }),
        }),
        new AddField({ modelName: 'order', name: 'created', field: new DateTimeField({ autoNowAdd: true }) }),
        new AddField({
          modelName: 'order',
          name: 'ref',
          field: new UUIDField({ unique: true, null: true, default: randomUUID }),
        }),
      ],
    })
    expect(hits).toHaveLength(1)
    expect(hits[0]?.message).toContain('they all get the same value')
  })
})
