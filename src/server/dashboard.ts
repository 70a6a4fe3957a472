import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/**
 * The dashboard (src/dashboard, a Preact single-page app) is served at /dashboard from a build of three files:
 * dist/dashboard/ beside the compiled server (`npm run build`, the container image), else the postinstall's
 * node_modules/.cache/dakgraph/dashboard/ (a clone run with tsx). Every asset comes from this server.
 */
export const DASHBOARD_PATH = "/dashboard";

/**
 * Where the build is looked for, first found wins. Beside this module: dist/server → dist/dashboard, and `npm start`'s
 * bundle node_modules/.cache/dakgraph/start → the postinstall's node_modules/.cache/dakgraph/dashboard; from the
 * sources (tsx, tests) src/server → the postinstall's build under the package root.
 */
export const DASHBOARD_BUILD_DIRS = [
  path.join(import.meta.dirname, "..", "dashboard"),
  path.join(import.meta.dirname, "..", "..", "node_modules", ".cache", "dakgraph", "dashboard"),
];

const ASSETS: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

/**
 * Nothing but this server: scripts and styles are the bundle's files, requests go to /graphql. No inline script
 * or style, no frames, no form posting elsewhere.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function buildDir(): string | null {
  return DASHBOARD_BUILD_DIRS.find((dir) => existsSync(path.join(dir, "index.html"))) ?? null;
}

/** Whether a path is the dashboard's: /dashboard, /dashboard/ or one of its assets. */
export function isDashboardPath(pathname: string): boolean {
  return pathname === DASHBOARD_PATH || pathname.startsWith(`${DASHBOARD_PATH}/`);
}

/**
 * Answers GET /dashboard (and /dashboard/) with the page and /dashboard/<asset> with the asset. Without a build the
 * answer is a 503 saying how to make one, rather than a page that cannot load.
 */
export function serveDashboard(pathname: string, res: ServerResponse, req?: IncomingMessage): void {
  const name = pathname === DASHBOARD_PATH || pathname === `${DASHBOARD_PATH}/` ? "index.html" : pathname.slice(DASHBOARD_PATH.length + 1);
  const type = ASSETS[name];
  if (type === undefined) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`No dashboard asset ${pathname}.\n`);
    return;
  }
  const dir = buildDir();
  if (dir === null) {
    res
      .writeHead(503, { "content-type": "text/plain; charset=utf-8" })
      .end("The dashboard is not built: run `npm run build` (into dist/dashboard) or `node src/dashboard/build.mjs node_modules/.cache/dakgraph/dashboard`.\n");
    return;
  }
  // The build writes a gzipped copy of app.js and app.css beside them (Vega makes app.js about 580 KB, 205 KB gzipped):
  // sent to a browser that accepts gzip, so what it downloads is the compressed size without compressing per request.
  const gzipped = path.join(dir, `${name}.gz`);
  const gzip = req !== undefined && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? "")) && existsSync(gzipped);
  res.writeHead(200, {
    "content-type": type,
    "content-security-policy": DASHBOARD_CSP,
    "x-content-type-options": "nosniff",
    // The page is small and changes with each build; assets are revalidated rather than cached stale.
    "cache-control": "no-cache",
    vary: "accept-encoding",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  res.end(readFileSync(gzip ? gzipped : path.join(dir, name)));
}
