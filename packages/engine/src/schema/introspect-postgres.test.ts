import { describe, expect, it } from 'vitest'
import { normalizePostgresType } from './introspect-postgres.js'

describe('normalizePostgresType', () => {
  it.each([
    ['character varying(200)', 'varchar(200)'],
    ['varchar(200)', 'varchar(200)'],
    ['CHARACTER VARYING', 'varchar'],
    ['character(3)', 'char(3)'],
    ['bigserial', 'bigint'],
    ['serial', 'integer'],
    ['smallserial', 'smallint'],
    ['int8', 'bigint'],
    ['int4', 'integer'],
    ['int', 'integer'],
    ['bool', 'boolean'],
    ['timestamptz', 'timestamp with time zone'],
    ['timestamp with time zone', 'timestamp with time zone'],
    ['timestamp(3) with time zone', 'timestamp(3) with time zone'],
    ['timestamp without time zone', 'timestamp'],
    ['time without time zone', 'time'],
    ['timetz', 'time with time zone'],
    ['float8', 'double precision'],
    ['double  precision', 'double precision'],
    ['float4', 'real'],
    ['numeric(10,2)', 'numeric(10, 2)'],
    ['decimal(10, 2)', 'numeric(10, 2)'],
    ['NUMERIC ( 10 , 2 )', 'numeric(10, 2)'],
    ['jsonb', 'jsonb'],
    ['int4[]', 'integer[]'],
    ['character varying(20)[]', 'varchar(20)[]'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizePostgresType(input)).toBe(expected)
  })
})
