#!/usr/bin/env node
// The `dorm` command. It lives outside dist/ so that `npm ci` can link it before the first build
// (npm links only bin files that exist); it runs the built CLI, dist/cli/bin.js.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli/bin.js', import.meta.url)
if (!existsSync(cli)) {
  console.error(
    'dorm: @dorm/engine is not built yet (dist/cli/bin.js is missing). ' +
      'Build it with `npx turbo run build --filter=@dorm/engine` (or `npm run build -w @dorm/engine`).',
  )
  process.exit(1)
}
await import(cli.href)
