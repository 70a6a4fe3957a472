// `npm start`: runs src/main.ts from one ES module bundled by esbuild, rebuilt only when a source file changed.
//
// Why not `node --import tsx src/main.ts`: tsx compiles each of ~190 modules through loader hooks that also sit
// in front of every import from node_modules, about a second of every start on this project (README "Benchmark",
// start-up). The bundle holds our modules only (packages stay external, loaded by node itself); a restart with
// no change reads one file. esbuild is what tsx compiles with, so the code runs as it does under tsx (no
// emitDecoratorMetadata: type-graphql is given every type explicitly). `npm run build` (tsc to dist/) stays the
// production path; this is for the quick start and development.
//
// Every `import.meta.url` / `import.meta.dirname` keeps its own file's value, so the paths the modules read
// beside themselves (drizzle/, src/operations/, the schema, package.json) resolve as they do unbundled. Without
// esbuild (an install without dev dependencies), or if the build fails, it falls back to tsx.

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const SRC = path.join(ROOT, "src");
const OUT_DIR = path.join(ROOT, "node_modules", ".cache", "dakgraph", "start");
const BUNDLE = path.join(OUT_DIR, "main.mjs");
const STAMP = path.join(OUT_DIR, "sources.sha1");

/** A fingerprint of every TypeScript source (path, size, mtime) and of the build's own inputs. */
function fingerprint() {
  const hash = crypto.createHash("sha1");
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) {
        const stat = fs.statSync(full);
        hash.update(`${path.relative(SRC, full)}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(SRC);
  for (const file of ["tsconfig.json", "package-lock.json", "src/start.mjs"]) {
    const full = path.join(ROOT, file);
    if (fs.existsSync(full)) hash.update(`${file}\0${fs.statSync(full).mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** Each module's own import.meta values, as literals, so a bundled module finds its neighbours as before. */
const ownMeta = {
  name: "own-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, "utf8");
      const contents = source
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)));
      return { contents, loader: "ts" };
    });
  },
};

async function bundle(stamp) {
  const esbuild = await import("esbuild");
  fs.mkdirSync(OUT_DIR, { recursive: true });
  // Written beside, then renamed: two starts at once never import a half-written bundle.
  const temporary = `${BUNDLE}.${process.pid}.tmp.mjs`;
  await esbuild.build({
    entryPoints: [path.join(SRC, "main.ts")],
    outfile: temporary,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    sourcemap: "inline",
    plugins: [ownMeta],
    logLevel: "error",
  });
  fs.renameSync(temporary, BUNDLE);
  fs.writeFileSync(STAMP, stamp);
}

async function start() {
  let stamp = null;
  try {
    stamp = fingerprint();
    const fresh = fs.existsSync(BUNDLE) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === stamp;
    if (!fresh) await bundle(stamp);
  } catch (error) {
    console.error(`npm start: running through tsx (the bundle could not be built: ${error instanceof Error ? error.message : error})`);
    const { register } = await import("tsx/esm/api");
    register();
    await import(pathToFileURL(path.join(SRC, "main.ts")).href);
    return;
  }
  // Stack traces name the TypeScript sources (the bundle's inline source map).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(BUNDLE).href);
}

await start();
