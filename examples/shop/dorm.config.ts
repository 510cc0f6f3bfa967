/**
 * dorm settings for the `dorm` CLI run from examples/shop (`npx dorm migrate`, `makemigrations`,
 * `lint-migrations`, `showmigrations`): the same function the server configures itself with.
 *
 * @example
 * ```ts
 * // $ cd examples/shop && DATABASE_URL=postgres://shop@db/shop npx dorm migrate
 * ```
 */
import { shopSettings } from './settings.js'

export default shopSettings(process.env)
