/**
 * `@dorm/engine/contrib/otel`: OpenTelemetry spans per statement and the database client metrics
 * of the semantic conventions. Needs `@opentelemetry/api` installed.
 *
 * @example
 * ```ts
 * import { instrument } from '@dorm/engine/contrib/otel'
 * instrument({ tracerName: 'myapp.dorm' })
 * ```
 */
export { type InstrumentOptions, instrument, isInstrumented, uninstrument } from './instrument.js'
export { dbSystemOf, spanNameOf } from './query-spans.js'
