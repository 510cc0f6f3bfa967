/**
 * `@dorm/engine/contrib/task-pool`: one pooled connection per async context (request).
 *
 * @example
 * ```ts
 * import { pinnedConnection, pinnedConnectionMiddlewares, currentPinStats } from '@dorm/engine/contrib/task-pool'
 * await pinnedConnection(async () => {
 *   await Order.objects.count()
 *   console.log(currentPinStats())
 * })
 * app.use(pinnedConnectionMiddlewares().express)
 * ```
 */
export { type PinnedConnectionMiddlewareOptions, pinnedConnectionMiddlewares } from './middleware.js'
export {
  currentPinStats,
  type PinnedConnectionOptions,
  type PinStats,
  pinnedConnection,
} from './pinned-connection.js'
