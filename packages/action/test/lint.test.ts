/**
 * `command: lint` (no database): the exit code per `fail-on`, and GitHub's annotation cap: findings
 * on lines the pull request changed are annotated first, the rest are counted in the summary and
 * all of them are in the SARIF output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from './support/run-action.js'
import { createWorkspace, type Workspace } from './support/workspace.js'

describe('fail-on decides the exit code from the findings’ severities (4 warnings, no error)', () => {
  let ws: Workspace

  beforeAll(() => {
    ws = createWorkspace({ headMigrations: ['0002_order_status.ts'] })
  })

  afterAll(() => ws?.remove())

  const lint = (failOn: string) =>
    runAction({
      workspace: ws.dir,
      event: { name: 'pull_request', baseSha: ws.baseSha, headSha: ws.headSha },
      inputs: { command: 'lint', 'working-directory': 'project', 'fail-on': failOn, comment: 'false' },
    })

  it.each([
    ['error', 0, ''],
    ['warning', 1, 'findings'],
    ['never', 0, ''],
  ])('fail-on: %s exits %i', async (failOn, code, failure) => {
    const run = await lint(failOn)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(code)
    expect(run.outputs).toMatchObject({ findings: '4', errors: '0', warnings: '4', failure, drift: 'false' })
    expect(run.commands.filter((line) => line.startsWith('::warning file='))).toHaveLength(4)
    if (code === 1) {
      expect(run.commands).toContain(
        '::error::4 migration lint finding(s) at or above fail-on: warning. Fix them (each annotation says how), suppress an accepted one with // noqa: DORM-M0NN on its line, or change fail-on.',
      )
    }
  })
})

const MANY_INDEXES = 'src/shop/migrations/0004_many_indexes.ts'

function manyIndexes(lastName: string): string {
  const ops = Array.from({ length: 12 }, (_, i) => {
    const name = i === 11 ? lastName : `shop_order_total_${i}_idx`
    return `    new AddIndex({ modelName: 'order', index: new Index({ fields: ['total'], name: '${name}' }) }),`
  })
  return [
    "import { Index } from '@dorm/engine'",
    "import { AddIndex, migration } from '@dorm/engine/migrations'",
    '',
    'export default migration({',
    "  dependencies: [['shop', '0001_initial']],",
    '  operations: [',
    ...ops,
    '  ],',
    '})',
    '',
  ].join('\n')
}

describe('more findings than GitHub shows annotations for', () => {
  let ws: Workspace

  beforeAll(() => {
    // the pull request edits the last of 12 AddIndex operations of an existing file
    ws = createWorkspace({
      headMigrations: [],
      baseFiles: { [MANY_INDEXES]: manyIndexes('shop_order_total_11_idx') },
      headFiles: { [MANY_INDEXES]: manyIndexes('shop_order_total_last_idx') },
    })
  })

  afterAll(() => ws?.remove())

  it('annotates 10 warnings, the changed line first, and says how many were left out', async () => {
    const run = await runAction({
      workspace: ws.dir,
      event: { name: 'pull_request', baseSha: ws.baseSha, headSha: ws.headSha },
      inputs: { command: 'lint', 'working-directory': 'project', 'fail-on': 'never', comment: 'false' },
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ findings: '12', warnings: '12' })
    const annotations = run.commands.filter((line) => line.startsWith('::warning file='))
    expect(annotations).toHaveLength(10)
    expect(annotations[0]).toMatch(
      /^::warning file=project\/src\/shop\/migrations\/0004_many_indexes\.ts,line=18,col=5,title=DORM-M003::/,
    )
    expect(annotations.slice(1).map((line) => /line=(\d+)/.exec(line)?.[1])).toEqual([
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
    ])
    expect(run.summary).toContain('> 2 finding(s) were not annotated: GitHub shows at most 10 error and 10 warning')
    expect(JSON.parse(run.outputs.report_content ?? '{}').lint.not_annotated).toBe(2)
    expect(JSON.parse(run.outputs.sarif_content ?? '{}').runs[0].results).toHaveLength(12)
  })
})
