import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Request } from "playwright-core";
import { QUIET_CHROMIUM_ARGS } from "../../src/report/report.pdf.js";

/** Debian's Chromium, which the browser tests drive; they are skipped where it is missing. */
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** data: URLs never touch the network; blob: URLs belong to the origin they are nested in. */
export function isLocal(raw: string): boolean {
  const url = new URL(raw);
  if (url.protocol === "data:") return true;
  if (url.protocol === "blob:") return isLocal(url.pathname);
  return (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:") && LOCAL_HOSTS.has(url.hostname);
}

/**
 * Headless Chromium in a fresh profile (a reused one would carry a page's storage from the last run) that can reach
 * localhost only. Everything Chromium would otherwise phone home for is off (QUIET_CHROMIUM_ARGS), so any non-local
 * request left is one the page itself made: each is handed to `onRequest` (context-wide, so requests from web
 * workers are seen too) and aborted, since recording alone would let a leak through on a machine with internet.
 */
export async function launchOfflineBrowser(
  viewport: { width: number; height: number },
  onRequest: (request: Request) => void,
): Promise<{ browser: BrowserContext; profileDir: string }> {
  const profileDir = await mkdtemp(path.join(tmpdir(), "dakgraph-chromium-"));
  const browser = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: [...QUIET_CHROMIUM_ARGS], viewport });
  browser.on("request", onRequest);
  await browser.route("**/*", (route) => (isLocal(route.request().url()) ? route.continue() : route.abort("blockedbyclient")));
  return { browser, profileDir };
}
