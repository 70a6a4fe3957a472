/**
 * Builds the dashboard into `outDir` (index.html, app.js, app.css, and app.js.gz and app.css.gz, which the server sends to
 * browsers accepting gzip); see build.mjs. `bytes`: app.js; `jsGzipBytes`: app.js.gz; `gzipBytes`: what a browser
 * accepting gzip downloads (index.html, app.js.gz, app.css.gz).
 */
export function buildDashboard(outDir: string): Promise<{ bytes: number; jsGzipBytes: number; gzipBytes: number }>;
