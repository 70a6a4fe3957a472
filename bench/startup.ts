import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { directorySnapshotPath } from "../src/modules/post-office/post-office.snapshot.js";
import { cpuMsOf, START, startServer } from "./processes.js";

/*
 * The quick start's time to serve (README "Benchmark", start-up): npm start's command (node, its flags and
 * src/start.mjs, which runs src/main.ts from an esbuild bundle it keeps current) on the embedded database, first on a fresh temporary data directory (directory from
 * the snapshot or loaded, 60,000 demo shipments seeded, rollups), then again on the directory it filled
 * (a restart). Seconds from spawn to the `dakgraph serving` line, so node's start and module loading are
 * in; the server's CPU time at that moment beside them, which the machine's other load moves less.
 */

export interface StartupSample {
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** The ready line's per-step seconds, as main.ts prints them. */
  readonly steps: string;
}

export interface StartupResult {
  /** Whether the directory snapshot for this code existed (npm install builds it). */
  readonly snapshot: boolean;
  readonly first: readonly StartupSample[];
  readonly restart: readonly StartupSample[];
}

async function timeStart(name: string, dataDir: string, port: number, logDir: string): Promise<StartupSample> {
  const logFile = path.join(logDir, `${name}.log`);
  const started = performance.now();
  const server = await startServer({
    name,
    script: START.script,
    nodeFlags: START.flags,
    env: { HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: "", DAKGRAPH_DATA_DIR: dataDir },
    ready: /dakgraph serving (http:\/\/\S+)/,
    logFile,
    timeoutMs: 300_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuMsOf(server.pid) / 1000;
  await server.stop();
  const steps = /ready in [\d.]+ s \(([^)]*)\)/.exec(fs.readFileSync(logFile, "utf8"))?.[1] ?? "";
  return { seconds, cpuSeconds, steps };
}

/** `runs` first starts on fresh data directories, each followed by a restart on the same directory. */
export async function benchStartup(options: { runs: number; port: number; logDir: string }): Promise<StartupResult> {
  const first: StartupSample[] = [];
  const restart: StartupSample[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-bench-start-"));
    try {
      first.push(await timeStart(`startup-first-${run}`, dataDir, options.port, options.logDir));
      restart.push(await timeStart(`startup-restart-${run}`, dataDir, options.port, options.logDir));
      console.error(
        `startup ${run}/${options.runs}: first ${first.at(-1)!.seconds.toFixed(1)} s (${first.at(-1)!.steps}), ` +
          `restart ${restart.at(-1)!.seconds.toFixed(1)} s (${restart.at(-1)!.steps})`,
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { snapshot: fs.existsSync(directorySnapshotPath()), first, restart };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function startupMarkdown(result: StartupResult): string[] {
  const row = (label: string, samples: readonly StartupSample[]) =>
    `| ${label} | ${median(samples.map((s) => s.seconds)).toFixed(1)} | ${Math.min(...samples.map((s) => s.seconds)).toFixed(1)}–${Math.max(...samples.map((s) => s.seconds)).toFixed(1)} | ` +
    `${median(samples.map((s) => s.cpuSeconds)).toFixed(1)} | ${samples.at(-1)?.steps ?? ""} |`;
  return [
    "",
    `Start-up, \`npm start\` (\`node ${[...START.flags, START.script].join(" ")}\`) on the embedded database (${result.first.length} runs; directory snapshot ${result.snapshot ? "present" : "absent"}):`,
    "",
    "| start | s to serving (median) | range | CPU s (median) | last run's steps, s |",
    "|---|---|---|---|---|",
    row("first (empty data dir)", result.first),
    row("restart (populated)", result.restart),
  ];
}
