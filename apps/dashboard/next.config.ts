/**
 * Next.js configuration of the dashboard. The engine and the database drivers load native modules
 * and files at run time, so they stay server externals (required from node_modules, not bundled).
 *
 * @example
 * ```sh
 * NEXT_TELEMETRY_DISABLED=1 npx next build && npx next start -p 3000
 * ```
 */
import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  serverExternalPackages: [
    '@dorm/engine',
    'better-sqlite3',
    'pg',
    'pg-cursor',
    '@libsql/client',
    'typescript',
    'tsx',
    'esbuild',
    'libpg-query',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
}

export default nextConfig
