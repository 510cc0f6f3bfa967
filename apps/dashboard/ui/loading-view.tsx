/**
 * The loading state of a page segment (every `loading.tsx` re-exports it).
 *
 * @example
 * ```tsx
 * // app/env/[env]/pool/loading.tsx
 * export { LoadingView as default } from '../../../../ui/loading-view'
 * ```
 */
export function LoadingView() {
  return (
    <p className="muted" aria-busy="true">
      Loading…
    </p>
  )
}
