/** Builds the dashboard into `outDir` (index.html, app.js, app.css); see build.mjs. */
export function buildDashboard(outDir: string): Promise<{ bytes: number }>;
