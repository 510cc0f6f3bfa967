import { expect, it } from 'vitest'
import { lockOf } from './lock-modes.js'

it.each([
  ['CREATE INDEX "i" ON "t" ("c")', 'SHARE'],
  ['CREATE UNIQUE INDEX CONCURRENTLY "i" ON "t" ("c")', 'SHARE UPDATE EXCLUSIVE'],
  ['ALTER TABLE "t" ADD COLUMN "c" int', 'ACCESS EXCLUSIVE'],
  ['ALTER TABLE "t" VALIDATE CONSTRAINT "c"', 'SHARE UPDATE EXCLUSIVE'],
  ['ALTER TABLE "t" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "u" ("id") NOT VALID', 'SHARE ROW EXCLUSIVE'],
  ['CREATE TABLE "t" ("id" int)', 'none on existing tables'],
  ["UPDATE t SET a = 'x'", 'ROW EXCLUSIVE'],
  ['DROP INDEX CONCURRENTLY "i"', 'SHARE UPDATE EXCLUSIVE'],
  ['DROP TABLE "t"', 'ACCESS EXCLUSIVE'],
])('%s takes %s', (sql, mode) => {
  expect(lockOf(sql)?.mode).toBe(mode)
})

it('knows no lock for a statement it does not recognise', () => {
  expect(lockOf('SELECT 1')).toBeUndefined()
  expect(lockOf('-- RunCode: python-side data migration')).toBeUndefined()
})
