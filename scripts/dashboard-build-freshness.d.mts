/** Types of dashboard-build-freshness.mjs. */
export declare const DASHBOARD_DIR: string
/** Whether `apps/dashboard/.next` holds a production build newer than every source it is built from. */
export declare function dashboardBuildIsFresh(dashboardDir?: string): boolean
