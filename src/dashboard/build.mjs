// Bundles the dashboard (src/dashboard/app.tsx, Preact) with esbuild into a directory of three files the server
// serves at /dashboard (src/server/dashboard.ts): index.html, app.js, app.css. Run by `npm run build` (into
// dist/dashboard) and by the postinstall (into node_modules/.cache/dakgraph/dashboard, for `npm start` from a
// clone): `node src/dashboard/build.mjs <out-dir>`.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

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

/** The module the app imports the compiled trend chart from (declared in src/dashboard/virtual-modules.d.ts). */
const TREND_VEGA_MODULE = "virtual:kpi-trend-vega";

/**
 * The KPI trend chart compiled from Vega-Lite to Vega here, at build time, so the browser gets Vega's runtime only and
 * not Vega-Lite's compiler (which would take the bundle from about 200 to about 290 KB gzip). The spec module is
 * TypeScript with type imports only: esbuild strips the types and the result is imported from a data: URL.
 */
async function compiledTrendSpec(esbuild) {
  const built = await esbuild.build({
    entryPoints: [path.join(import.meta.dirname, "..", "lib", "kpi-trend-spec.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "warning",
  });
  const source = Buffer.from(built.outputFiles[0].contents).toString("base64");
  const { dashboardKpiTrendSpec } = await import(`data:text/javascript;base64,${source}`);
  const { compile } = await import("vega-lite");
  return compile(dashboardKpiTrendSpec()).spec;
}

/** Builds the dashboard into `outDir`; esbuild is a dev dependency, so callers without it get an import error. */
export async function buildDashboard(outDir) {
  const esbuild = await import("esbuild");
  fs.mkdirSync(outDir, { recursive: true });
  const trendSpec = await compiledTrendSpec(esbuild);
  const result = await esbuild.build({
    plugins: [
      {
        name: "kpi-trend-vega",
        setup(build) {
          build.onResolve({ filter: new RegExp(`^${TREND_VEGA_MODULE}$`) }, (args) => ({ path: args.path, namespace: "kpi-trend-vega" }));
          build.onLoad({ filter: /.*/, namespace: "kpi-trend-vega" }, () => ({ contents: JSON.stringify(trendSpec), loader: "json" }));
        },
      },
    ],
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
  // Gzipped copies beside the files, which the server sends to browsers that accept gzip (src/server/dashboard.ts).
  const js = fs.readFileSync(path.join(outDir, "app.js"));
  const jsGzip = gzipSync(js, { level: 9 });
  const cssGzip = gzipSync(fs.readFileSync(path.join(outDir, "app.css")), { level: 9 });
  fs.writeFileSync(path.join(outDir, "app.js.gz"), jsGzip);
  fs.writeFileSync(path.join(outDir, "app.css.gz"), cssGzip);
  // What a browser downloads: index.html as it is, the rest gzipped.
  return { bytes: js.length, jsGzipBytes: jsGzip.length, gzipBytes: jsGzip.length + cssGzip.length + Buffer.byteLength(INDEX_HTML) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    console.error("usage: node src/dashboard/build.mjs <out-dir>");
    process.exit(2);
  }
  const { bytes, jsGzipBytes } = await buildDashboard(outDir);
  console.error(`dakgraph: dashboard built into ${outDir} (app.js ${Math.round(bytes / 1024)} KB, ${Math.round(jsGzipBytes / 1024)} KB gzip)`);
}
