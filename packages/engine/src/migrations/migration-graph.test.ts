import { describe, expect, it } from 'vitest'
import { MigrationError } from '../errors.js'
import type { Migration } from './migration.js'
import { MigrationGraph } from './migration-graph.js'

function node(app: string, name: string, dependencies: Array<[string, string]> = []): Migration {
  return {
    app,
    name,
    dependencies,
    operations: [],
    atomic: true,
    replaces: [],
    file: `/p/${app}/migrations/${name}.ts`,
  }
}

describe('MigrationGraph', () => {
  it('orders migrations across apps, dependencies first', () => {
    const graph = new MigrationGraph([
      node('shop', '0002_b', [
        ['shop', '0001_a'],
        ['users', '0001_a'],
      ]),
      node('shop', '0001_a'),
      node('users', '0001_a'),
    ])
    expect(graph.all().map((m) => `${m.app}.${m.name}`)).toEqual(['shop.0001_a', 'users.0001_a', 'shop.0002_b'])
    expect(graph.leaves().map((m) => m.name)).toEqual(['0002_b', '0001_a'])
    expect(graph.backwardsPlan(graph.get('users', '0001_a')).map((m) => `${m.app}.${m.name}`)).toEqual([
      'shop.0002_b',
      'users.0001_a',
    ])
  })

  it('names the file and the missing migration of a broken dependency', () => {
    expect(() => new MigrationGraph([node('shop', '0001_a', [['shop', '0000_gone']])])).toThrow(
      /\/p\/shop\/migrations\/0001_a\.ts: depends on shop\.0000_gone, which does not exist\. Migrations of 'shop': 0001_a\./,
    )
    expect(() => new MigrationGraph([node('shop', '0001_a', [['users', '0001_a']])])).toThrow(
      /No migrations are loaded for app 'users'/,
    )
  })

  it('reports a circular dependency with its path', () => {
    const build = () =>
      new MigrationGraph([node('a', '0001_x', [['b', '0001_y']]), node('b', '0001_y', [['a', '0001_x']])])
    expect(build).toThrow(MigrationError)
    expect(build).toThrow(/circular dependency a\.0001_x -> b\.0001_y -> a\.0001_x/)
  })

  it('refuses two latest migrations in one app', () => {
    expect(
      () =>
        new MigrationGraph([
          node('shop', '0001_a'),
          node('shop', '0002_b', [['shop', '0001_a']]),
          node('shop', '0002_c', [['shop', '0001_a']]),
        ]),
    ).toThrow("Conflicting migrations in app 'shop': 0002_b and 0002_c are both latest.")
  })
})
