/** The Action's entry point (bundled into dist/index.js): runs it. */
import { run } from './main.js'

await run()
