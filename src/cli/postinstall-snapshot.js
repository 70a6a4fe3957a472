// npm's postinstall (package.json): builds the dashboard (below) and the embedded database's directory snapshot when it is missing or
// stale (src/modules/post-office/post-office.snapshot.ts), so that the quick start's `npm start` on an
// empty data directory skips the directory load. An optimisation only: when it cannot run (an install
// without tsx or without the sources, such as a production image's, or DAKGRAPH_SKIP_SNAPSHOT=true) or
// fails, the install goes on and the first start loads the directory itself.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// The dashboard's bundle for a clone's `npm start` (src/server/dashboard.ts serves it from here; `npm run build` makes
// dist/dashboard instead). Skipped without the sources or without esbuild (a production install), and a failure
// only prints why: the server then answers /dashboard with a 503 saying how to build it.
const dashboardBuild = path.join(import.meta.dirname, "..", "dashboard", "build.mjs");
if (fs.existsSync(dashboardBuild)) {
  const out = path.join(import.meta.dirname, "..", "..", "node_modules", ".cache", "dakgraph", "dashboard");
  const built = spawnSync(process.execPath, [dashboardBuild, out], { stdio: "inherit" });
  if (built.status !== 0) console.error(`dakgraph: dashboard not built (exit ${built.status ?? built.signal}); \`npm run build\` or \`node src/dashboard/build.mjs ${out}\` builds it.`);
}

const cli = path.join(import.meta.dirname, "dakgraph.ts");
const skip = (why) => {
  console.error(`dakgraph: directory snapshot not built (${why}); the first start on an empty data directory loads the directory instead.`);
  process.exit(0);
};

if (process.env.DAKGRAPH_SKIP_SNAPSHOT === "true") skip("DAKGRAPH_SKIP_SNAPSHOT=true");
if (!fs.existsSync(cli)) skip("no TypeScript sources here");
try {
  createRequire(import.meta.url).resolve("tsx/esm/api");
} catch {
  skip("tsx is not installed");
}
const run = spawnSync(process.execPath, ["--import", "tsx", cli, "snapshot", "directory", "--if-stale"], { stdio: "inherit" });
if (run.status !== 0) skip(`\`dakgraph snapshot directory\` exited with ${run.status ?? run.signal}`);
