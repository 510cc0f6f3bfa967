'use client'
/**
 * The error state of a page segment (every `error.tsx` re-exports it): the message (a digest in
 * production, whose details are in the server log) and a retry button.
 *
 * @example
 * ```tsx
 * // app/env/[env]/pool/error.tsx
 * 'use client'
 * export { ErrorView as default } from '../../../../ui/error-view'
 * ```
 */
export function ErrorView({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="banner danger" role="alert">
      <h2>This page could not be loaded</h2>
      <p>{error.message || 'The server failed while reading the data.'}</p>
      {error.digest ? <p className="muted">Error id {error.digest} (see the server log).</p> : null}
      <button type="button" className="primary" onClick={() => reset()}>
        Try again
      </button>
    </section>
  )
}
