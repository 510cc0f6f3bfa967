/**
 * The Action never shows the database password, the dashboard token or the GitHub token it is
 * given. The committed bundle runs against the fixture project with a database URL whose password
 * is CANARY_PASSWORD (checked for real by PostgreSQL) and CANARY_TOKEN as `dashboard-token` and
 * `github-token`: a failing check on a pull request (sticky comment), a passing migrate that sends
 * its deploy report, a dashboard refusing the token, a wrong password, a refused connection and a
 * malformed URL. Scanned: stdout (where only the `::add-mask::` commands may name a secret: that is
 * how the runner learns to hide it), stderr, GITHUB_OUTPUT, the job summary, the JSON report, the
 * SARIF log, the PR comments and the deploy reports sent.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CANARY_PASSWORD, CANARY_TOKEN } from '../../support/canaries.js'
import { recordFigures, recordOutput } from '../../support/figures.js'
import { pick } from '../../support/scale.js'
import {
  type ActionRun,
  createWorkspace,
  type Recorder,
  runAction,
  startFakeGithub,
  startRecorder,
  type Workspace,
} from './support/action-runs.js'
import { type CanaryCluster, startCanaryCluster } from './support/canary-role.js'
import { scanForCanaries } from './support/scan.js'

let canary: CanaryCluster
let ws: Workspace
let github: Recorder
let dashboard: Recorder
/** What the dashboard stand-in answers next. */
let dashboardAnswer = { status: 202, body: '{"accepted":1,"rejected":0,"errors":[],"id":1}' }

beforeAll(async () => {
  canary = await startCanaryCluster('secrets-action')
  ws = createWorkspace()
  github = await startFakeGithub()
  dashboard = await startRecorder((_request, response) => {
    response.writeHead(dashboardAnswer.status, { 'content-type': 'application/json' })
    response.end(dashboardAnswer.body)
  })
}, 120_000)

afterAll(async () => {
  await github?.close()
  await dashboard?.close()
  ws?.remove()
  await canary?.stop()
})

/** A run of the Action; `expectedExit` is its documented exit code (docs/action.md: 1 findings, 4 configuration, 5 command failed). */
interface Scenario {
  name: string
  /** Run in the short scale too (each run takes seconds: the short one keeps one of each kind). */
  short?: true
  push?: boolean
  inputs: Record<string, string>
  dashboard?: { status: number; body: string }
  expectedExit: number
}

function runOutputs(name: string, run: ActionRun): Array<{ name: string; text: string }> {
  const masks = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [
    { name: `${name}: stdout (add-mask commands left out: ${masks.length})`, text: stdout },
    { name: `${name}: stderr`, text: run.stderr },
    { name: `${name}: GITHUB_OUTPUT`, text: JSON.stringify(run.outputs) },
    { name: `${name}: job summary`, text: run.summary },
    { name: `${name}: JSON report`, text: run.outputs.report_content ?? '' },
    { name: `${name}: SARIF`, text: run.outputs.sarif_content ?? '' },
  ]
}

test('no output of the Action shows the database password or a token', async () => {
  const database = { 'database-url': canary.url, 'working-directory': 'project' }
  const tokens = { 'github-token': CANARY_TOKEN, 'dashboard-token': CANARY_TOKEN }
  const allScenarios: Scenario[] = [
    {
      name: 'check on a pull request (lint error)',
      short: true,
      inputs: { command: 'check', ...database, ...tokens },
      expectedExit: 1,
    },
    {
      name: 'migrate on push, deploy report sent',
      short: true,
      push: true,
      inputs: {
        command: 'migrate',
        'fail-on': 'never',
        environment: 'production',
        'dashboard-url': dashboard.url,
        ...database,
        ...tokens,
      },
      expectedExit: 0,
    },
    {
      name: 'migrate on push, the dashboard refuses the token',
      push: true,
      inputs: {
        command: 'migrate',
        'fail-on': 'never',
        environment: 'production',
        'dashboard-url': dashboard.url,
        ...database,
        ...tokens,
      },
      dashboard: { status: 401, body: '{"error":"unknown key: check the secret, or create a key"}' },
      expectedExit: 0,
    },
    {
      name: 'dry-run with a wrong password',
      inputs: { command: 'dry-run', ...database, 'database-url': canary.wrongPasswordUrl, ...tokens },
      expectedExit: 5,
    },
    {
      name: 'diff with the connection refused',
      inputs: { command: 'diff', ...database, 'database-url': canary.refusedUrl, ...tokens },
      expectedExit: 5,
    },
    {
      name: 'check with a malformed URL',
      inputs: {
        command: 'check',
        ...database,
        'database-url': `postgres://canary_writer:${CANARY_PASSWORD}@127.0.0.1:no-port/canary`,
        ...tokens,
      },
      expectedExit: 4,
    },
  ]
  const scenarios = pick({ short: allScenarios.filter((scenario) => scenario.short), full: allScenarios })
  const outputs: Array<{ name: string; text: string }> = []
  const exits: Record<string, number> = {}
  let maskCommands = 0
  for (const scenario of scenarios) {
    dashboardAnswer = scenario.dashboard ?? { status: 202, body: '{"accepted":1,"rejected":0,"errors":[],"id":1}' }
    const run = await runAction({
      workspace: ws.dir,
      apiUrl: github.url,
      event: scenario.push ? { name: 'push' } : { name: 'pull_request', baseSha: ws.baseSha, headSha: ws.headSha },
      inputs: scenario.inputs,
    })
    exits[scenario.name] = run.code
    maskCommands += run.commands.filter((line) => line.startsWith('::add-mask::')).length
    outputs.push(...runOutputs(scenario.name, run))
  }
  // what left the runner: comment bodies and deploy reports (the tokens belong in Authorization only)
  for (const [index, request] of github.requests.entries()) {
    outputs.push({ name: `GitHub API request ${index} body`, text: request.body })
  }
  for (const [index, request] of dashboard.requests.entries()) {
    outputs.push({ name: `dashboard request ${index} body`, text: request.body })
  }
  const scan = scanForCanaries(outputs)
  await recordFigures('secrets-action', {
    runs: scenarios.length,
    exits,
    maskCommands,
    outputsScanned: scan.outputs,
    bytesScanned: scan.bytes,
    githubRequests: github.requests.length,
    dashboardRequests: dashboard.requests.length,
    leaks: scan.leaks.length,
    leakedIn: scan.leaks.map((leak) => `${leak.name} (${leak.form})`),
  })
  await recordOutput('secrets-action', outputs.map(({ name, text }) => `== ${name}\n${text}`).join('\n'))

  expect(exits).toEqual(Object.fromEntries(scenarios.map((scenario) => [scenario.name, scenario.expectedExit])))
  // the scenarios reached what they scan: a PR comment, the deploy reports, the token in Authorization
  expect(github.requests.some((request) => request.method === 'POST')).toBe(true)
  expect(dashboard.requests.length).toBe(scenarios.filter((scenario) => scenario.inputs.command === 'migrate').length)
  expect(dashboard.requests[0]?.headers.authorization).toBe(`Bearer ${CANARY_TOKEN}`)
  // the runner is told to hide the password and the tokens
  expect(maskCommands).toBeGreaterThanOrEqual(scenarios.length * 2)
  expect(scan.leaks).toEqual([])
}, 600_000)
