// Bundles the dashboard (src/dashboard/app.tsx, Preact) with esbuild into a directory of three files the server
// serves at /dashboard (src/server/dashboard.ts): index.html, app.js, app.css. Run by `npm run build` (into
// dist/dashboard) and by the postinstall (into node_modules/.cache/dakgraph/dashboard, for `npm start` from a
// clone): `node src/dashboard/build.mjs <out-dir>`.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const INDEX_HTML = `<!doctype html>
<html lang="en-IN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dakgraph dashboard</title>
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/app.js"></script>
</head>
<body><div id="app"></div><noscript>The dashboard needs JavaScript.</noscript></body>
</html>
`;

/** Builds the dashboard into `outDir`; esbuild is a dev dependency, so callers without it get an import error. */
export async function buildDashboard(outDir) {
  const esbuild = await import("esbuild");
  fs.mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(import.meta.dirname, "app.tsx")],
    outfile: path.join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    minify: true,
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const cssOutputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith(".css"));
  // esbuild writes the CSS that panels import (e.g. panels.css) to app.css beside app.js; the page's own app.css
  // goes first and the panels' after it, in the one stylesheet index.html links.
  const cssOut = path.join(outDir, "app.css");
  const imported = cssOutputs.length > 0 ? fs.readFileSync(cssOut, "utf8") : "";
  fs.writeFileSync(cssOut, fs.readFileSync(path.join(import.meta.dirname, "app.css"), "utf8") + imported);
  fs.writeFileSync(path.join(outDir, "index.html"), INDEX_HTML);
  return { bytes: Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    console.error("usage: node src/dashboard/build.mjs <out-dir>");
    process.exit(2);
  }
  const { bytes } = await buildDashboard(outDir);
  console.error(`dakgraph: dashboard built into ${outDir} (app.js ${Math.round(bytes / 1024)} KB)`);
}
