import { expect, it } from 'vitest'
import { splitStatements } from './dry-run.js'

it('splits dorm sqlmigrate output into statements, comments on their own', () => {
  const text = ['CREATE TABLE "a" (', '  "id" int', ');', '-- RunCode (no SQL)', 'UPDATE "a" SET "id" = 1;', ''].join(
    '\n',
  )
  expect(splitStatements(text)).toEqual([
    'CREATE TABLE "a" (\n  "id" int\n)',
    '-- RunCode (no SQL)',
    'UPDATE "a" SET "id" = 1',
  ])
})
