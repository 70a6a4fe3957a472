import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Headless Chromium with its own background traffic (updates, safe browsing, sync, QUIC probes) off, so
 * any request left is one the page made: the explorer's offline test uses these too.
 */
export const QUIET_CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/*
 * The PDF is the HTML printed by headless Chromium (`--print-to-pdf`): the same file, so the two never
 * disagree, and no browser library is needed. Chromium is optional: without one the report says so and
 * the other outputs stand.
 */

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/**
 * Every switch that stops Chromium's own traffic (updates, sync, safe browsing, QUIC probes). The page
 * itself makes none (its Content-Security-Policy forbids it), but Chromium 156 still tries
 * accounts.google.com, clients2.google.com and update.googleapis.com with all of these set (seen in its
 * --log-net-log); the host-resolver rule makes every name unresolvable, so those fail inside the browser
 * before any DNS query or connection leaves the machine.
 */
export const HEADLESS_CHROMIUM_ARGS = [
  ...QUIET_CHROMIUM_ARGS,
  "--disable-extensions",
  "--disable-default-apps",
  "--host-resolver-rules=MAP * ~NOTFOUND",
] as const;

/** `explicit` (CHROMIUM_PATH) when given, else the first of the usual install paths that exists; null: none. */
export function findChromium(explicit: string | undefined): string | null {
  if (explicit !== undefined && explicit !== "") return existsSync(explicit) ? explicit : null;
  return CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
}

const PRINT_TIMEOUT_MS = 120_000;

/** Prints `htmlFile` to `pdfFile` with the page's own @page size, margins and margin boxes. */
export async function printPdf(chromium: string, htmlFile: string, pdfFile: string): Promise<void> {
  const profile = await mkdtemp(path.join(tmpdir(), "dakgraph-report-chromium-"));
  try {
    const args = [
      ...HEADLESS_CHROMIUM_ARGS,
      `--user-data-dir=${profile}`,
      // Chromium's own header and footer (file URL, date) would replace the page's @page margin boxes.
      "--no-pdf-header-footer",
      `--print-to-pdf=${path.resolve(pdfFile)}`,
      pathToFileURL(path.resolve(htmlFile)).href,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(chromium, args, { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${chromium} did not finish printing the PDF within ${PRINT_TIMEOUT_MS / 1000} s.`));
      }, PRINT_TIMEOUT_MS);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(text);
        else reject(new Error(`${chromium} exited with code ${code} while printing the PDF:\n${text.trim().split("\n").slice(-5).join("\n")}`));
      });
    });
    const written = await stat(pdfFile).catch(() => null);
    if (written === null || written.size === 0) throw new Error(`${chromium} wrote no PDF:\n${output.trim().split("\n").slice(-5).join("\n")}`);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
