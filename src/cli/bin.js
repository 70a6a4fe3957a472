#!/usr/bin/env node
// The `dakgraph` command (package.json "bin"). In a checkout with the dev dependencies it runs the TypeScript
// source through tsx, so an edit is never hidden behind a stale dist/. Where tsx is not installed (a
// production install, `npm ci --omit=dev`, as in the container image) it runs the built CLI, `npm run build`'s
// dist/cli/dakgraph.js: no compiler at run time.
import { existsSync } from "node:fs";

const built = new URL("../../dist/cli/dakgraph.js", import.meta.url);
let tsx = null;
try {
  tsx = await import("tsx/esm/api");
} catch {
  // Not installed: run the build.
}
if (tsx !== null && existsSync(new URL("./dakgraph.ts", import.meta.url))) {
  tsx.register();
  await import("./dakgraph.ts");
} else if (existsSync(built)) {
  await import(built.href);
} else {
  console.error("dakgraph: neither tsx (a dev dependency: `npm ci`) nor the built CLI (`npm run build`, dist/cli/dakgraph.js) is here.");
  process.exitCode = 1;
}
