/**
 * Builds the dashboard into `outDir` (index.html, app.js, app.css); see build.mjs. `bytes`: app.js; `jsGzipBytes`: app.js
 * gzipped (level 9); `gzipBytes`: the three files gzipped, what a browser downloads compressed.
 */
export function buildDashboard(outDir: string): Promise<{ bytes: number; jsGzipBytes: number; gzipBytes: number }>;
